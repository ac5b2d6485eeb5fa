/**
 * A resource that cannot be created must never hang the update. Under the engine model a failed create rejects the
 * resource's outputs; every resource made from them then never registers, and with the SDK this project pins its own
 * outputs never settle (see components/service/whenCreated.ts). Each case fails one resource a service is made of
 * and checks that the program finishes, says what failed, and deploys the other services.
 */
import { FakeEngine, RunOptions } from "../../support/engineModel/engine";
import { evaluate, settled } from "../../support/evaluate";
import { changes, deployStack, fixtureConfig, RawStack } from "../../support/fixtureStack";

const PULL_DENIED = "Error response from daemon: pull access denied, repository does not exist or may require 'docker login'";

/** The fixture with catalog's own app and PostgreSQL images, rolling, with backups: every part of it can fail alone. */
function catalogApart(): RawStack {
    const raw = fixtureConfig();
    raw.services.catalog.image = "ghcr.io/acme/catalog:1.0.0";
    raw.services.catalog.postgresImage = "postgres:17.6";
    raw.services.catalog.backup = { keep: 3 };
    return raw;
}

const APPLIED = /^applied \d+ migrations?, now at version/;
const APPS_NOT_CREATED = /^catalog: its apps were not created or changed, because something they are made of .* could not be created/;
const notCreated = (part: string) => new RegExp(`^catalog: migrations not run .* because its ${part} could not be created`);
const lookupFailed = (image: string) =>
    new RegExp(`^${image.replace(/[.]/g, "\\.")}: the registry lookup of this image's current digest failed`);
const CATALOG_APPS = ["dev-catalog-app-1", "dev-catalog-app-2", "dev-catalog-app-3"];

describe("a resource of one service that cannot be created", () => {
    it.each<[string, RunOptions, RegExp, boolean, RegExp[]]>([
        // The migration applied; the app containers are what failed, and the outputs say they were not updated.
        ["its app image", { failCreate: { "ghcr.io/acme/catalog:1.0.0": PULL_DENIED } }, APPLIED, false, [APPS_NOT_CREATED]],
        [
            "its app image's registry lookup",
            { failLookup: { "ghcr.io/acme/catalog:1.0.0": PULL_DENIED } },
            APPLIED,
            false,
            [APPS_NOT_CREATED, lookupFailed("ghcr.io/acme/catalog:1.0.0")],
        ],
        // A first deploy creates every replica at once (nothing serves yet): the provider's error is all there is to say.
        ["its first replica", { failCreate: { "catalog-app-1": PULL_DENIED } }, APPLIED, false, []],
        // Nothing migrated, and no app container was created or changed.
        [
            "its PostgreSQL image",
            { failCreate: { "postgres:17.6": PULL_DENIED } },
            /^not run: its database container could not be created$/,
            false,
            [notCreated("database container")],
        ],
        [
            "its PostgreSQL image's registry lookup",
            { failLookup: { "postgres:17.6": PULL_DENIED } },
            /^not run: its database container could not be created$/,
            false,
            [notCreated("database container"), lookupFailed("postgres:17.6")],
        ],
        [
            "its database's data volume",
            { failCreate: { "catalog-db-data": PULL_DENIED } },
            /^not run: its database container could not be created$/,
            false,
            [notCreated("database container")],
        ],
        [
            "its backups volume",
            { failCreate: { "catalog-backups": PULL_DENIED } },
            /^not run: its backup container could not be created$/,
            false,
            [notCreated("backup container")],
        ],
        [
            "its backup container",
            { failCreate: { "catalog-backup": PULL_DENIED } },
            /^not run: its backup container could not be created$/,
            false,
            [notCreated("backup container")],
        ],
    ])("%s: the update finishes, says so, and deploys the others", async (_, failure, migration, apps, said) => {
        const run = await evaluate(deployStack(catalogApart()), failure);
        // The provider's error is the engine's to print, once, against what failed; a failed lookup is the image's,
        // without its message, which does not survive the SDK's mock monitor. Then each failed part says so once.
        const [failing] = Object.keys(failure.failCreate ?? {});
        expect(run.diagnostics).toEqual(failing ? [{ resource: failing, message: PULL_DENIED }] : []);
        expect(run.errors.map((e) => e.message).sort()).toEqual(said.map((pattern) => expect.stringMatching(pattern)));
        expect(await settled(run.result.services.catalog.migration, "catalog's migration")).toMatch(migration);
        // The apps' names whether or not this update reached them; whether it did is appsUpdated.
        expect(await settled(run.result.services.catalog.appContainers, "catalog's apps")).toEqual(CATALOG_APPS);
        expect(await settled(run.result.services.catalog.appsUpdated, "catalog's appsUpdated")).toBe(apps);
        for (const other of ["identity", "reader-lending"]) {
            expect(await settled(run.result.services[other].migration, other)).toMatch(APPLIED);
            expect(await settled(run.result.services[other].appContainers, other)).toHaveLength(2);
        }
    });

    it("the Flyway image, shared by all: every service says its migration did not run, and the update finishes", async () => {
        const run = await evaluate(deployStack(fixtureConfig()), { failCreate: { "flyway/flyway:11": PULL_DENIED } });
        expect(run.diagnostics).toEqual([{ resource: "flyway/flyway:11", message: PULL_DENIED }]);
        expect(run.errors.map((e) => e.message).sort()).toEqual(
            ["catalog", "identity", "reader-lending"].map(flywayNotCreated).map((p) => expect.stringMatching(p)),
        );
        for (const service of ["identity", "catalog", "reader-lending"]) {
            expect(await settled(run.result.services[service].migration, service)).toBe(
                "not run: its Flyway container could not be created",
            );
            expect(await settled(run.result.services[service].appsUpdated, service)).toBe(false);
        }
    });

    it.each([
        ["catalog's PostgreSQL image", "postgres:17.6", [/^catalog: migrations not run .* its database container could not be created/]],
        // catalog's backup is tagged with what its Flyway run is given, the Flyway image among it: it goes first.
        [
            "the Flyway image",
            "flyway/flyway:11",
            [
                /^catalog: migrations not run .* its backup container could not be created/,
                ...["identity", "reader-lending"].map(flywayNotCreated),
            ],
        ],
        ["catalog's app image", "ghcr.io/acme/catalog:1.0.0", []],
    ])(
        "a registry down during a preview (%s): the preview ends, with the lookup's error, and shows no change",
        async (_, image, warned) => {
            const engine = new FakeEngine();
            await evaluate(deployStack(catalogApart()), { engine });
            // What was never registered must not hold up what waits for it (service/whenCreated.ts, registeredOf).
            const preview = await evaluate(deployStack(catalogApart()), { engine, preview: true, failLookup: { [image]: PULL_DENIED } });
            // The lookup's error once, against its image; nothing else of the program's.
            expect(preview.errors.map((e) => e.message)).toEqual([expect.stringMatching(lookupFailed(image))]);
            expect(preview.warnings.sort()).toEqual(warned.map((pattern) => expect.stringMatching(pattern)));
            expect(changes(preview.steps)).toEqual({});
        },
    );

    it.each([
        ["catalog's app image", "ghcr.io/acme/catalog:1.0.0"],
        ["catalog's PostgreSQL image", "postgres:17.6"],
    ])("a registry down during the first preview (%s), when every migration is still to run: the preview ends", async (_, image) => {
        // Nothing stored: whether a migration applies is unknown until the update, and nothing may wait on it.
        const preview = await evaluate(deployStack(catalogApart()), { preview: true, failLookup: { [image]: PULL_DENIED } });
        expect(preview.errors.map((e) => e.message)).toEqual([expect.stringMatching(lookupFailed(image))]);
    });

    it("a service with no replicas whose app image cannot be pulled: the image's error, and nothing with a stack", async () => {
        const raw = catalogApart();
        raw.services.catalog.replicas = 0;
        const run = await evaluate(deployStack(raw), { failCreate: { "ghcr.io/acme/catalog:1.0.0": PULL_DENIED } });
        expect(run.diagnostics).toEqual([{ resource: "ghcr.io/acme/catalog:1.0.0", message: PULL_DENIED }]);
        expect(run.errors).toEqual([]);
        expect(await settled(run.result.services.catalog.migration, "catalog")).toMatch(APPLIED);
    });
});

function flywayNotCreated(service: string): RegExp {
    return new RegExp(`^${service}: migrations not run .* its Flyway container could not be created`);
}
