/**
 * The contract phase on Docker, under the engine model: its place after the rollout (every replica of the new release
 * created, i.e. healthy, before the contract run starts), its own history table and files, a failure said once that
 * leaves the apps serving and is run again by the next update, and what a preview says. That the contract run's
 * Flyway settings work is proven on a real PostgreSQL (test/sql/contractPhase.test.ts), and the whole of it on the real
 * engine (test/real/lifecycle.test.ts).
 */
import * as fs from "fs";
import * as path from "path";
import { FakeEngine, FlywayResult, Registration } from "../../support/engineModel/engine";
import * as pulumi from "@pulumi/pulumi";
import { evaluate, named, promiseOf, settled } from "../../support/evaluate";
import { copyOfFixture } from "../../support/fixtures";
import { changes, deployStack, fixtureConfig, RawStack } from "../../support/fixtureStack";

const DROP_LANGUAGE = ["V1__drop_language.sql", "ALTER TABLE books DROP COLUMN language;\n"] as const;
const LOCK_TIMEOUT: FlywayResult = {
    exitCode: 1,
    log: [
        'Migrating schema "public" to version "1 - drop language"',
        "ERROR: Migration V1__drop_language.sql failed",
        "-----------------------------------------",
        "SQL State  : 55P03",
        "Message    : ERROR: canceling statement due to lock timeout",
        "Location   : /flyway/sql/V1__drop_language.sql (/flyway/sql/V1__drop_language.sql)",
        "Line       : 1",
        "Statement  : ALTER TABLE books DROP COLUMN language",
    ].join("\n"),
};

const envOf = (r: Registration, key: string) => (r.inputs.envs as string[]).find((e) => e.startsWith(`${key}=`))?.slice(key.length + 1);

function addContract(project: string, [file, sql]: readonly [string, string] = DROP_LANGUAGE, service = "catalog") {
    fs.mkdirSync(path.join(project, "migrations", service, "contract"), { recursive: true });
    fs.writeFileSync(path.join(project, "migrations", service, "contract", file), sql);
}

/** A deployed fixture whose catalog has a contract migration. */
async function deployed(raw: RawStack = fixtureConfig()) {
    const engine = new FakeEngine();
    const project = copyOfFixture();
    addContract(project);
    const first = await evaluate(deployStack(raw, "dev", project), { engine });
    expect(first.errors).toEqual([]);
    return { engine, project, first, raw };
}

describe("the contract run's place in a service's chain", () => {
    it("starts only once every replica of the release was created, and is the last of its service", async () => {
        const { first } = await deployed();
        const at = (name: string) => first.events.indexOf(`created ${name}`);
        for (const replica of ["catalog-app-1", "catalog-app-2", "catalog-app-3"]) {
            expect(at(replica)).toBeGreaterThan(at("catalog-flyway"));
            expect(at(replica)).toBeLessThan(at("catalog-flyway-contract"));
        }
        const contract = named(first.registrations, "catalog-flyway-contract");
        for (const replica of ["catalog-app-1", "catalog-app-2", "catalog-app-3"]) {
            expect(contract.dependencies).toContain(named(first.registrations, replica).urn);
        }
        // Services without contract migrations have no contract run.
        expect(first.registrations.map((r) => r.name).filter((n) => n.includes("contract"))).toEqual(["catalog-flyway-contract"]);
    });

    it("in a rolling change, starts after the last replica was replaced, never before", async () => {
        const { engine, project, raw } = await deployed();
        raw.services.catalog.image = "traefik/whoami:v1.11.1";
        fs.writeFileSync(
            path.join(project, "migrations", "catalog", "contract", "V2__drop_published_year.sql"),
            "ALTER TABLE books DROP COLUMN published_year;\n",
        );
        const up = await evaluate(deployStack(raw, "dev", project), { engine });
        expect(up.errors).toEqual([]);
        const at = (event: string) => up.events.indexOf(event);
        expect(at("created catalog-app-3")).toBeGreaterThan(at("created catalog-app-2"));
        expect(at("deleted catalog-flyway-contract")).toBeGreaterThan(at("created catalog-app-3"));
        expect(at("created catalog-flyway-contract")).toBeGreaterThan(at("created catalog-app-3"));
    });

    it("runs Flyway on the contract migrations alone, against their own history table, with a baseline below them", async () => {
        const { first } = await deployed();
        const contract = named(first.registrations, "catalog-flyway-contract");
        expect(contract.inputs).toMatchObject({
            name: "dev-catalog-flyway-contract",
            image: named(first.registrations, "catalog-flyway").inputs.image,
            attach: true,
            logs: true,
            mustRun: false,
        });
        expect((contract.inputs.uploads as { file: string }[]).map((u) => u.file)).toEqual([
            "/flyway/sql/V1__drop_language.sql",
            "/flyway/sql/afterMigrate__grant_app_role.sql",
        ]);
        expect(envOf(contract, "FLYWAY_TABLE")).toBe("flyway_contract_history");
        expect(envOf(contract, "FLYWAY_BASELINE_ON_MIGRATE")).toBe("true");
        expect(envOf(contract, "FLYWAY_BASELINE_VERSION")).toBe("0");
        expect(envOf(contract, "FLYWAY_INIT_SQL")).toBe(envOf(named(first.registrations, "catalog-flyway"), "FLYWAY_INIT_SQL"));
        // The expand run keeps Flyway's default history table.
        expect(envOf(named(first.registrations, "catalog-flyway"), "FLYWAY_TABLE")).toBeUndefined();
        expect(await settled(first.result.services.catalog.contract!, "catalog's contract summary")).toBe(
            "applied 1 migration, now at version 1",
        );
        expect(first.result.services.identity.contract).toBeUndefined();
    });

    it("does not run again when nothing changed, and runs when a contract migration is added, alone", async () => {
        const { engine, project, raw } = await deployed();
        const again = await evaluate(deployStack(raw, "dev", project), { engine, preview: true });
        expect(changes(again.steps)).toEqual({});
        fs.writeFileSync(
            path.join(project, "migrations", "catalog", "contract", "V2__drop_published_year.sql"),
            "ALTER TABLE books DROP COLUMN published_year;\n",
        );
        const preview = await evaluate(deployStack(raw, "dev", project), { engine, preview: true });
        expect(changes(preview.steps)).toEqual({ "catalog-flyway-contract": "replace" });
        expect(preview.infos).toEqual([
            "catalog: this update runs, in order, each once the one before succeeded: the contract migrations not applied yet of " +
                "contract/V1__drop_language.sql, contract/V2__drop_published_year.sql",
        ]);
    });

    it("with backups, dumps the database again after the rollout and before the contract run", async () => {
        const raw = fixtureConfig();
        raw.services.catalog.backup = { keep: 5 };
        const { first } = await deployed(raw);
        const at = (name: string) => first.events.indexOf(`created ${name}`);
        expect(at("catalog-backup-contract")).toBeGreaterThan(at("catalog-app-3"));
        expect(at("catalog-backup-contract")).toBeLessThan(at("catalog-flyway-contract"));
        const backup = named(first.registrations, "catalog-backup-contract");
        expect(envOf(backup, "BACKUP_TAG")).toMatch(/^contract-V1-[0-9a-f]{8}$/);
        expect(backup.inputs.volumes).toEqual(named(first.registrations, "catalog-backup").inputs.volumes);
        expect(named(first.registrations, "catalog-flyway-contract").dependencies).toContain(backup.urn);
    });
});

describe("a contract run that fails", () => {
    async function failed() {
        const engine = new FakeEngine();
        const project = copyOfFixture();
        const raw = fixtureConfig();
        await evaluate(deployStack(raw, "dev", project), { engine });
        addContract(project);
        const up = await evaluate(deployStack(raw, "dev", project), { engine, exitResults: { "catalog-flyway-contract": LOCK_TIMEOUT } });
        return { engine, project, raw, up };
    }

    it("is said once, against the run, with the file, the cause and Flyway's log; the apps keep serving", async () => {
        const { up } = await failed();
        expect(up.errors).toHaveLength(1);
        const [error] = up.errors;
        const against = (error as unknown as { resource: { urn: pulumi.Output<string> } }).resource;
        expect(await promiseOf(against.urn)).toBe(named(up.registrations, "catalog-flyway-contract").urn);
        expect(error.message).toMatch(
            new RegExp(
                "^catalog: the contract migrations failed in contract/V1__drop_language\\.sql at line 1 \\(Flyway exited with 1\\): " +
                    "ERROR: canceling statement due to lock timeout\n",
            ),
        );
        expect(error.message).toContain("Every replica already runs the new release and keeps serving");
        expect(error.message).toContain("    SQL State  : 55P03");
        expect(error.message).toContain("The next `pulumi up` runs the contract phase again");
        expect(await settled(up.result.services.catalog.contract!, "contract")).toBe("failed with exit code 1");
        expect(await settled(up.result.services.catalog.appsUpdated, "appsUpdated")).toBe(true);
        expect(await settled(up.result.services.catalog.migration, "migration")).toMatch(/^up to date|^applied/);
    });

    it("is run again by the next update, without any change, and then left alone once it applied", async () => {
        const { engine, project, raw } = await failed();
        const preview = await evaluate(deployStack(raw, "dev", project), { engine, preview: true });
        expect(changes(preview.steps)).toEqual({ "catalog-flyway-contract": "replace" });
        const retry = await evaluate(deployStack(raw, "dev", project), { engine });
        expect(retry.errors).toEqual([]);
        expect(changes(retry.steps)).toEqual({ "catalog-flyway-contract": "replace" });
        const after = await evaluate(deployStack(raw, "dev", project), { engine, preview: true });
        expect(changes(after.steps)).toEqual({});
    });

    it("is run again after a second failure too", async () => {
        const { engine, project, raw } = await failed();
        const second = await evaluate(deployStack(raw, "dev", project), {
            engine,
            exitResults: { "catalog-flyway-contract": LOCK_TIMEOUT },
        });
        expect(second.errors).toHaveLength(1);
        const preview = await evaluate(deployStack(raw, "dev", project), { engine, preview: true });
        expect(changes(preview.steps)).toEqual({ "catalog-flyway-contract": "replace" });
    });
});

describe("a contract phase that waits", () => {
    it("is deferred while a replica this update removes may still serve the previous release, and runs on the next up", async () => {
        const raw = fixtureConfig();
        const { engine, project } = await deployed(raw);
        raw.services.catalog.replicas = 2;
        raw.services.catalog.image = "traefik/whoami:v1.11.1";
        fs.writeFileSync(
            path.join(project, "migrations", "catalog", "contract", "V2__drop_published_year.sql"),
            "ALTER TABLE books DROP COLUMN published_year;\n",
        );
        const preview = await evaluate(deployStack(raw, "dev", project), { engine, preview: true });
        expect(preview.warnings).toEqual([
            expect.stringMatching(
                /^catalog: the contract migrations are deferred: dev-catalog-app-3 of the previous configuration is still on the host/,
            ),
        ]);
        const up = await evaluate(deployStack(raw, "dev", project), { engine });
        expect(up.errors).toEqual([]);
        // The contract container ran, and did nothing but say it waits; the third replica went at the end.
        expect(up.events.indexOf("deleted catalog-app-3")).toBeGreaterThan(up.events.indexOf("created catalog-flyway-contract"));
        expect(await settled(up.result.services.catalog.contract!, "contract")).toMatch(
            /^not run: deferred: a replica removed by this update/,
        );
        const next = await evaluate(deployStack(raw, "dev", project), { engine, preview: true });
        expect(next.warnings).toEqual([]);
        expect(changes(next.steps)).toEqual({ "catalog-flyway-contract": "replace" });
        const ran = await evaluate(deployStack(raw, "dev", project), { engine });
        expect(await settled(ran.result.services.catalog.contract!, "contract")).toBe("applied 1 migration, now at version 1");
        expect(changes((await evaluate(deployStack(raw, "dev", project), { engine, preview: true })).steps)).toEqual({});
    });

    it("after a failed backup, says so once with pg_dump's log, and runs the backup and the contract run again next time", async () => {
        const raw = fixtureConfig();
        raw.services.catalog.backup = { keep: 5 };
        const engine = new FakeEngine();
        const project = copyOfFixture();
        await evaluate(deployStack(raw, "dev", project), { engine });
        addContract(project);
        const failed = await evaluate(deployStack(raw, "dev", project), {
            engine,
            exitResults: {
                "catalog-backup-contract": { exitCode: 1, log: "pg_dump: error: could not write to output file: No space left on device" },
            },
        });
        expect(failed.errors.map((e) => e.message)).toEqual([
            expect.stringMatching(/^catalog: the contract migrations did not run, because its backup before them failed with exit code 1/),
        ]);
        expect(failed.errors[0].message).toContain("No space left on device");
        expect(failed.registrations.map((r) => r.name)).not.toContain("catalog-flyway-contract");
        const preview = await evaluate(deployStack(raw, "dev", project), { engine, preview: true });
        expect(changes(preview.steps)).toEqual({ "catalog-backup-contract": "replace", "catalog-flyway-contract": "create" });
        const retried = await evaluate(deployStack(raw, "dev", project), { engine });
        expect(retried.errors).toEqual([]);
        expect(await settled(retried.result.services.catalog.contract!, "contract")).toBe("applied 1 migration, now at version 1");
        expect(changes((await evaluate(deployStack(raw, "dev", project), { engine, preview: true })).steps)).toEqual({});
    });
});

describe("a contract phase that must not run", () => {
    it("does not run, and says nothing more, after the expand migrations failed", async () => {
        const engine = new FakeEngine();
        const project = copyOfFixture();
        const raw = fixtureConfig();
        await evaluate(deployStack(raw, "dev", project), { engine });
        addContract(project);
        fs.writeFileSync(path.join(project, "migrations", "catalog", "V4__add_shelf.sql"), "ALTER TABLE copies ADD COLUMN shelf text;\n");
        const up = await evaluate(deployStack(raw, "dev", project), {
            engine,
            flywayResults: { catalog: { exitCode: 1, log: "ERROR: Migration V4__add_shelf.sql failed" } },
        });
        expect(up.errors).toHaveLength(1);
        expect(up.errors[0].message).toMatch(/^catalog: Flyway migration failed with exit code 1/);
        expect(up.registrations.map((r) => r.name)).not.toContain("catalog-flyway-contract");
        expect(await settled(up.result.services.catalog.contract!, "contract")).toBe("not run: the rollout or its backup did not complete");
    });

    it("does not run after a replica that did not become healthy, and says where the rollout stopped, once", async () => {
        const engine = new FakeEngine();
        const project = copyOfFixture();
        const raw = fixtureConfig();
        await evaluate(deployStack(raw, "dev", project), { engine });
        addContract(project);
        raw.services.catalog.image = "traefik/whoami:v1.11.1";
        const up = await evaluate(deployStack(raw, "dev", project), {
            engine,
            failCreate: { "catalog-app-3": "container never became healthy" },
        });
        expect(up.diagnostics.map((d) => d.resource)).toEqual(["catalog-app-3"]);
        expect(up.errors.map((e) => e.message)).toEqual([
            expect.stringMatching(/^catalog: the rollout stopped at replica 3, which was not created or did not become healthy/),
        ]);
        expect(up.registrations.map((r) => r.name)).not.toContain("catalog-flyway-contract");
    });
});
