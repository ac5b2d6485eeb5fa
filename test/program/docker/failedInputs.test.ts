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
const CATALOG_APPS = ["dev-catalog-app-1", "dev-catalog-app-2", "dev-catalog-app-3"];

describe("a resource of one service that cannot be created", () => {
    it.each<[string, RunOptions, RegExp, string[]]>([
        // The migration applied; the app containers (named in the outputs once it did) are what failed.
        ["its app image", { failCreate: { "ghcr.io/acme/catalog:1.0.0": PULL_DENIED } }, APPLIED, CATALOG_APPS],
        ["its app image's registry lookup", { failLookup: { "ghcr.io/acme/catalog:1.0.0": PULL_DENIED } }, APPLIED, CATALOG_APPS],
        ["its first replica", { failCreate: { "catalog-app-1": PULL_DENIED } }, APPLIED, CATALOG_APPS],
        // Nothing migrated, and no app container was created or changed.
        [
            "its PostgreSQL image",
            { failCreate: { "postgres:17.6": PULL_DENIED } },
            /^not run: its database container could not be created$/,
            [],
        ],
        [
            "its PostgreSQL image's registry lookup",
            { failLookup: { "postgres:17.6": PULL_DENIED } },
            /^not run: its database container could not be created$/,
            [],
        ],
        [
            "its database's data volume",
            { failCreate: { "catalog-db-data": PULL_DENIED } },
            /^not run: its database container could not be created$/,
            [],
        ],
        [
            "its backups volume",
            { failCreate: { "catalog-backups": PULL_DENIED } },
            /^not run: its backup container could not be created$/,
            [],
        ],
        [
            "its backup container",
            { failCreate: { "catalog-backup": PULL_DENIED } },
            /^not run: its backup container could not be created$/,
            [],
        ],
    ])("%s: the update finishes, says so, and deploys the others", async (_, failure, migration, apps) => {
        const run = await evaluate(deployStack(catalogApart()), failure);
        // The provider's error is the update's; a failed lookup's message does not survive the SDK's mock monitor.
        expect(run.errors.length).toBeGreaterThan(0);
        if (failure.failCreate) expect(run.errors.map((e) => e.message)).toContainEqual(expect.stringContaining(PULL_DENIED));
        expect(await settled(run.result.services.catalog.migration, "catalog's migration")).toMatch(migration);
        expect(await settled(run.result.services.catalog.appContainers, "catalog's apps")).toEqual(apps);
        for (const other of ["identity", "reader-lending"]) {
            expect(await settled(run.result.services[other].migration, other)).toMatch(APPLIED);
            expect(await settled(run.result.services[other].appContainers, other)).toHaveLength(2);
        }
    });

    it("the Flyway image, shared by all: every service says its migration did not run, and the update finishes", async () => {
        const run = await evaluate(deployStack(fixtureConfig()), { failCreate: { "flyway/flyway:11": PULL_DENIED } });
        expect(run.errors.map((e) => e.message)).toContainEqual(expect.stringContaining(PULL_DENIED));
        for (const service of ["identity", "catalog", "reader-lending"]) {
            expect(await settled(run.result.services[service].migration, service)).toBe(
                "not run: its Flyway container could not be created",
            );
            expect(await settled(run.result.services[service].appContainers, service)).toEqual([]);
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
            expect(preview.errors.length).toBeGreaterThan(0);
            expect(preview.warnings.sort()).toEqual(warned.map((pattern) => expect.stringMatching(pattern)));
            expect(changes(preview.steps)).toEqual({});
        },
    );
});

function flywayNotCreated(service: string): RegExp {
    return new RegExp(`^${service}: migrations not run .* its Flyway container could not be created`);
}
