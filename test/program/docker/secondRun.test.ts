/**
 * What happens on the second and later runs against a deployed stack, where the engine hands the program stored
 * outputs and the providers compare our inputs with what they read back (see support/engine.ts, providers.ts).
 */
import * as fs from "fs";
import * as path from "path";
import { migrateOnlyArgs } from "../../../components/stack/migrateOnly";
import { FakeEngine, Registration } from "../../support/engineModel/engine";
import { evaluate, named, settled } from "../../support/evaluate";
import { copyOfFixture } from "../../support/fixtures";
import { CONTAINER } from "../../support/engineModel/providers";
import { refreshExcludeCheck, urnMatches } from "../../support/engineModel/targets";
import { changes, deployStack, fixtureConfig, productionLikeConfig, RawStack } from "../../support/fixtureStack";

const config = (stack: "dev" | "prod"): RawStack => (stack === "dev" ? fixtureConfig() : productionLikeConfig());
const deploy = (raw: RawStack, stack = "dev", projectDir?: string) => deployStack(raw, stack, projectDir);
const FAILED = { exitCode: 1, log: 'ERROR: Migration V4__add_shelf.sql failed\nMessage    : ERROR: column "shelf" does not exist' };

describe("a second run with nothing changed", () => {
    it.each(["dev", "prod"] as const)("the %s-like fixture: the preview and the update after a deploy change nothing", async (stack) => {
        const engine = new FakeEngine();
        const program = deploy(config(stack), stack);
        expect((await evaluate(program, { engine, stack })).errors).toEqual([]);
        const preview = await evaluate(program, { engine, stack, preview: true });
        expect(preview.errors).toEqual([]);
        expect(changes(preview.steps)).toEqual({});
        expect(changes((await evaluate(program, { engine, stack })).steps)).toEqual({});
    });
});

describe("limits", () => {
    it("raises a memory limit in place, past twice its old value", async () => {
        const engine = new FakeEngine();
        const raw = config("prod");
        await evaluate(deploy(raw, "prod"), { engine, stack: "prod" });
        raw.services.catalog.limits = { ...raw.services.catalog.limits, memoryMb: raw.services.catalog.limits.memoryMb * 3 };
        const up = await evaluate(deploy(raw, "prod"), { engine, stack: "prod" });
        expect(up.errors).toEqual([]);
        expect(changes(up.steps)).toEqual({ "catalog-app-1": "update", "catalog-app-2": "update", "catalog-app-3": "update" });
    });
});

describe("after a migration failed", () => {
    /** Deploys dev, then a new catalog migration that fails; returns the engine holding that state. */
    async function deployedWithFailedCatalogMigration() {
        const engine = new FakeEngine();
        const project = copyOfFixture();
        await evaluate(deploy(config("dev"), "dev", project), { engine });
        fs.writeFileSync(path.join(project, "migrations", "catalog", "V4__add_shelf.sql"), "UPDATE copies SET shelf = 'A1';\n");
        const failed = await evaluate(deploy(config("dev"), "dev", project), { engine, flywayResults: { catalog: FAILED } });
        expect(failed.errors.map((e) => e.message)).toEqual([expect.stringMatching(/^catalog: Flyway migration failed with exit code 1/)]);
        return { engine, project };
    }

    it("the next preview succeeds, says what is wrong with catalog, and shows no change", async () => {
        const { engine, project } = await deployedWithFailedCatalogMigration();
        const preview = await evaluate(deploy(config("dev"), "dev", project), { engine, preview: true });
        expect(preview.errors).toEqual([]);
        expect(preview.warnings).toEqual([
            expect.stringMatching(/^catalog: the last Flyway run failed with exit code 1 .*column "shelf" does not exist/s),
        ]);
        expect(changes(preview.steps)).toEqual({});
    });

    it("the next preview warns of nothing when a replaced database runs catalog's Flyway again", async () => {
        const { engine, project } = await deployedWithFailedCatalogMigration();
        // A moved tag replaces every database container; their new ids are unknown until the update, and each Flyway
        // run is labelled with its database's (flywayContainer.ts), so the failed run is run again.
        engine.registry.set("postgres:17", "sha256:" + "1".repeat(64));
        const preview = await evaluate(deploy(config("dev"), "dev", project), { engine, preview: true });
        expect(preview.errors).toEqual([]);
        expect(preview.warnings).toEqual([]);
        expect(preview.steps["catalog-db"]).toBe("replace");
        expect(preview.steps["catalog-flyway"]).toBe("replace");
    });

    it("the next update deploys the other services and keeps catalog's running apps", async () => {
        const { engine, project } = await deployedWithFailedCatalogMigration();
        const raw = config("dev");
        raw.services.identity.image = "traefik/whoami:v1.11.1";
        const preview = await evaluate(deploy(raw, "dev", project), { engine, preview: true });
        expect(preview.errors).toEqual([]);
        const up = await evaluate(deploy(raw, "dev", project), { engine });
        expect(changes(up.steps)).toMatchObject({ "identity-app-1": "replace", "identity-app-2": "replace" });
        expect(up.errors.map((e) => e.message)).toEqual([expect.stringMatching(/^catalog: Flyway migration failed with exit code 1/)]);
        // The failed program registered no catalog app, and a failed program deletes nothing: they keep serving.
        expect(up.events.filter((e) => /^(deleted|retained) catalog-app/.test(e))).toEqual([]);
        expect(engine.resourceNames()).toEqual(expect.arrayContaining(["catalog-app-1", "catalog-app-2", "catalog-app-3"]));
    });

    it("a fixed migration reruns Flyway, and catalog's apps are registered again, unchanged", async () => {
        const { engine, project } = await deployedWithFailedCatalogMigration();
        fs.writeFileSync(path.join(project, "migrations", "catalog", "V4__add_shelf.sql"), "ALTER TABLE copies ADD COLUMN shelf text;\n");
        const up = await evaluate(deploy(config("dev"), "dev", project), { engine });
        expect(up.errors).toEqual([]);
        expect(changes(up.steps)).toEqual({ "catalog-flyway": "replace" });
    });
});

describe("a create that fails", () => {
    const PORT_TAKEN =
        "Error response from daemon: driver failed programming external connectivity: Bind for 127.0.0.1:15433 failed: port is already " +
        "allocated";

    it("a database that cannot be created leaves every stack output resolved, and says why", async () => {
        const raw = config("dev");
        raw.services["reader-lending"].after = ["catalog"];
        const { result, errors, diagnostics, registrations } = await evaluate(deploy(raw), { failCreate: { "catalog-db": PORT_TAKEN } });
        for (const [service, outputs] of Object.entries(result.services)) {
            await settled(outputs.migration, `${service}'s migration output`);
            await settled(outputs.appContainers, `${service}'s appContainers output`);
        }
        expect(await settled(result.services.catalog.migration, "catalog")).toBe("not run: its database container could not be created");
        expect(await settled(result.services["reader-lending"].migration, "reader-lending")).toBe(
            "not run: waits for catalog, whose migration did not apply",
        );
        expect(await settled(result.services.identity.appContainers, "identity")).toEqual(["dev-identity-app-1", "dev-identity-app-2"]);
        expect(registrations.map((r) => r.name)).not.toContain("catalog-flyway");
        // The provider's error once, by the engine, against the container; each failed service's own once.
        expect(diagnostics).toEqual([{ resource: "catalog-db", message: PORT_TAKEN }]);
        expect(errors.map((e) => e.message).sort()).toEqual([
            expect.stringMatching(/^catalog: migrations not run .* because its database container could not be created/),
            expect.stringMatching(
                /^reader-lending: migrations not run .* waits for \(after:\) catalog, and its database container could not be created/,
            ),
        ]);
    });

    it("the next update replaces a container whose create failed, instead of leaving it as it was", async () => {
        const engine = new FakeEngine();
        await evaluate(deploy(config("dev")), { engine, failCreate: { "catalog-db": PORT_TAKEN } });
        // The container exists, not started: the engine keeps it with init errors. Once the port is free again:
        const preview = await evaluate(deploy(config("dev")), { engine, preview: true });
        expect(preview.steps["catalog-db"]).toBe("replace");
        const up = await evaluate(deploy(config("dev")), { engine });
        expect(up.errors).toEqual([]);
        expect(changes(up.steps)).toMatchObject({ "catalog-db": "replace", "catalog-flyway": "create", "catalog-app-1": "create" });
    });

    it("a Flyway container that cannot be created fails that service only, with outputs resolved", async () => {
        const { result, errors, diagnostics } = await evaluate(deploy(config("dev")), {
            failCreate: { "catalog-flyway": "Error response from daemon: No such image" },
        });
        expect(await settled(result.services.catalog.migration, "catalog")).toBe("not run: its Flyway container could not be created");
        expect(await settled(result.services.catalog.appsUpdated, "catalog")).toBe(false);
        expect(await settled(result.services.identity.appContainers, "identity")).toHaveLength(2);
        expect(diagnostics).toEqual([{ resource: "catalog-flyway", message: "Error response from daemon: No such image" }]);
        expect(errors.map((e) => e.message)).toEqual([
            expect.stringMatching(/^catalog: migrations not run .* its Flyway container could not be created/),
        ]);
    });
});

describe("a destroyed stack, deployed again onto its retained data volumes", () => {
    it("gives the database container the new owner password to set on the existing data, and migrates again", async () => {
        const engine = new FakeEngine();
        const first = await evaluate(deploy(config("dev")), { engine });
        engine.destroy();
        const second = await evaluate(deploy(config("dev")), { engine });
        expect(second.errors).toEqual([]);
        const env = (r: Registration) => (r.inputs.envs as string[]).find((e) => e.startsWith("POSTGRES_PASSWORD="));
        expect(env(named(second.registrations, "catalog-db"))).not.toEqual(env(named(first.registrations, "catalog-db")));
        // The wrapper sets POSTGRES_PASSWORD on a data directory that already exists (proven on a real PostgreSQL in
        // postgresEntrypoint.test.ts); the image's own entrypoint would keep the old password.
        expect(named(second.registrations, "catalog-db").inputs.entrypoints).toEqual(["/usr/local/bin/library-postgres-entrypoint.sh"]);
        expect(second.steps["catalog-flyway"]).toBe("create");
    });
});

describe("migrate-only", () => {
    it("excludes exactly the app containers of the deployed stack, and survives --refresh", async () => {
        const engine = new FakeEngine();
        await evaluate(deploy(config("dev")), { engine });
        const args = migrateOnlyArgs("library", "dev", ["catalog", "identity", "reader-lending"]);
        const excludes = args.filter((_, i) => args[i - 1] === "--exclude");
        expect(refreshExcludeCheck(engine.urns(), excludes)).toBeUndefined();
        const excluded = engine.urns().filter((urn) => excludes.some((pattern) => urnMatches(pattern, urn)));
        expect(excluded.map((u) => u.split("::").pop()).sort()).toEqual([
            "catalog-app-1",
            "catalog-app-2",
            "catalog-app-3",
            "identity-app-1",
            "identity-app-2",
            "reader-lending-app-1",
            "reader-lending-app-2",
        ]);
    });
});

describe("graceful stops", () => {
    it("gives PostgreSQL and the apps time to shut down before the provider kills them", async () => {
        const { registrations } = await evaluate(deploy(config("dev")));
        const grace = (name: string) => named(registrations, name).inputs.destroyGraceSeconds;
        expect(grace("catalog-db")).toBe(60);
        expect(grace("catalog-app-1")).toBe(30);
    });
});

describe("images behind floating tags", () => {
    it("a new image behind a tag shows in the preview and replaces what runs it, and the Flyway runs of a new database", async () => {
        const engine = new FakeEngine();
        await evaluate(deploy(config("dev")), { engine });
        engine.registry.set("postgres:17", "sha256:" + "1".repeat(64));
        const preview = await evaluate(deploy(config("dev")), { engine, preview: true });
        expect(changes(preview.steps)).toEqual({
            "postgres:17": "replace",
            "catalog-db": "replace",
            "identity-db": "replace",
            "reader-lending-db": "replace",
            // A new database container runs Flyway again (flywayContainer.ts, `database`): it waits for the new server
            // to accept connections, where the provider no longer waits for its healthcheck.
            "catalog-flyway": "replace",
            "identity-flyway": "replace",
            "reader-lending-flyway": "replace",
        });
        const up = await evaluate(deploy(config("dev")), { engine });
        expect(up.errors).toEqual([]);
        expect(changes(up.steps)).toEqual(changes(preview.steps));
    });

    it("with followImageTags off, a tag runs whatever the host pulled first, and a moved tag changes nothing", async () => {
        const engine = new FakeEngine();
        const raw = { ...config("dev"), followImageTags: false };
        const first = await evaluate(deploy(raw), { engine });
        expect(named(first.registrations, "postgres:17").inputs.name).toBe("postgres:17");
        engine.registry.set("postgres:17", "sha256:" + "1".repeat(64));
        expect(changes((await evaluate(deploy(raw), { engine, preview: true })).steps)).toEqual({});
    });

    it("an image pinned by digest is used as written, without asking the registry", async () => {
        const raw = config("dev");
        const pinned = `ghcr.io/acme/catalog@sha256:${"a".repeat(64)}`;
        raw.services.catalog.image = pinned;
        const engine = new FakeEngine();
        const { registrations } = await evaluate(deploy(raw), { engine });
        expect(registrations.filter((r) => r.name === pinned).map((r) => r.inputs.name)).toEqual([pinned]);
        expect(engine.registryLookups.sort()).toEqual(["flyway/flyway:11", "postgres:17", "traefik/whoami:v1.11.0"]);
    });
});

describe("published ports", () => {
    it("listen on 127.0.0.1 unless the stack says otherwise", async () => {
        const { registrations } = await evaluate(deploy(config("dev")));
        const published = registrations.filter((r) => r.type === CONTAINER).flatMap((r) => r.inputs.ports ?? []);
        expect(published.length).toBeGreaterThan(0);
        expect(published.every((p: { ip: string }) => p.ip === "127.0.0.1")).toBe(true);
        const raw = config("dev");
        raw.publishAddress = "0.0.0.0";
        const open = await evaluate(deploy(raw));
        expect(named(open.registrations, "catalog-app-1").inputs.ports).toEqual([{ internal: 8080, external: 8091, ip: "0.0.0.0" }]);
    });
});
