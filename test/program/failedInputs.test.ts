/**
 * A resource that cannot be created must never hang the update. Under the engine model a failed create rejects the
 * resource's outputs; every resource made from them then never registers, and with the SDK this project pins its own
 * outputs never settle (see components/service/whenCreated.ts). Each case fails one resource a service is made of
 * and checks that the program finishes, says what failed, and deploys the other services.
 */
import { evaluate, settled } from "../support/evaluate";
import { deployStack, fixtureConfig, RawStack } from "../support/fixtureStack";

const PULL_DENIED = "Error response from daemon: pull access denied, repository does not exist or may require 'docker login'";

/** The fixture with catalog's own app and PostgreSQL images, rolling, with backups: every part of it can fail alone. */
function catalogApart(): RawStack {
    const raw = fixtureConfig();
    raw.services.catalog.image = "ghcr.io/acme/catalog:1.0.0";
    raw.services.catalog.postgresImage = "postgres:17.6";
    raw.services.catalog.backup = { keep: 3 };
    return raw;
}

describe("a resource of one service that cannot be created", () => {
    it.each([
        ["its app image", "ghcr.io/acme/catalog:1.0.0", /^applied|up to date/i, []],
        ["its PostgreSQL image", "postgres:17.6", /^not run: its database container could not be created$/, []],
        ["its database's data volume", "catalog-db-data", /^not run: its database container could not be created$/, []],
        ["its backups volume", "catalog-backups", /^not run: its backup container could not be created$/, []],
        ["its backup container", "catalog-backup", /^not run: its backup container could not be created$/, []],
        ["its first replica", "catalog-app-1", /^applied|up to date/i, []],
    ])("%s: the update finishes, says so, and deploys the others", async (_, failing, migration) => {
        const run = await evaluate(deployStack(catalogApart()), { failCreate: { [failing]: PULL_DENIED } });
        expect(run.errors.map((e) => e.message)).toContainEqual(expect.stringContaining(PULL_DENIED));
        expect(await settled(run.result.services.catalog.migration, "catalog's migration")).toMatch(migration);
        expect(await settled(run.result.services.catalog.appContainers, "catalog's apps")).toBeDefined();
        for (const other of ["identity", "reader-lending"]) {
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
});
