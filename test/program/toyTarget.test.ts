/**
 * The seam, shown with a toy third target (test/fixtures/toyTarget): the component drives any ServiceTarget, and a
 * new platform for the library stack is a folder plus one registry line.
 */
import * as path from "path";
import { validateStack } from "../../components/config/validateStack";
import { ServiceWithMigrations } from "../../components/service/serviceWithMigrations";
import { deployLibraryStack } from "../../components/stack/libraryStack";
import { TARGETS } from "../../components/targets/registry";
import { THING, toyDefinition, ToyTarget } from "../fixtures/toyTarget/toyTarget";
import { evaluate, promiseOf } from "../support/evaluate";
import { ONE_MIGRATION, projectWith, serviceBlock } from "../support/fixtures";

describe("ServiceWithMigrations on a fake target", () => {
    const migrations = path.join(projectWith({ orders: ONE_MIGRATION }), "migrations", "orders");

    it("hands the target the plan and its own keys, and gates the apps on the run", async () => {
        const run = await evaluate(() => {
            const target = new ToyTarget("zone-b");
            const images = { appImage: "toy/app:1", postgresImage: "toy/postgres:17", flywayImage: "toy/flyway:11" };
            return new ServiceWithMigrations("orders", { target, ...images, migrations, replicas: 2, shards: 2 });
        });
        expect(run.errors).toEqual([]);
        const things = run.registrations.filter((r) => r.type === THING);
        expect(things.map((r) => r.name)).toEqual(["orders-db", "orders-migrate", "orders-app-1", "orders-app-2"]);
        expect(things[3].inputs.spec).toEqual({ kind: "app", zone: "zone-b", shards: 2 });
        // The run waits for the database; each app for the run.
        expect(things[1].dependencies).toContain(things[0].urn);
        expect(things[2].dependencies).toContain(things[1].urn);
        expect(await promiseOf(run.result.migrationSummary)).toBe("applied by the toy");
        expect(await promiseOf(run.result.appNames)).toEqual(["orders-app-1", "orders-app-2"]);
        expect(run.result.apps).toHaveLength(2);
    });

    it("checks the target's keys with the shared ones, before anything is registered", async () => {
        const run = await evaluate(() =>
            expect(
                () =>
                    new ServiceWithMigrations("orders", {
                        target: new ToyTarget("zone-b"),
                        appImage: "toy/app:1",
                        postgresImage: "toy/postgres:17",
                        flywayImage: "toy/flyway:11",
                        migrations,
                        replicas: 1,
                        shards: 3,
                    }),
            ).toThrow("ServiceWithMigrations 'orders'.shards: at most one per replica (1)"),
        );
        expect(run.registrations).toEqual([]);
    });
});

describe("a third target in the library stack", () => {
    const targets = { ...TARGETS, toy: toyDefinition };
    const dir = projectWith({ catalog: ONE_MIGRATION });

    it("is one registry line: its keys, stack keys and platform work, and another target's keys are refused by name", async () => {
        const raw = { target: "toy", toyZone: "zone-c", services: { catalog: serviceBlock({ shards: 2 }) } };
        const settings = validateStack(raw, dir, "library", "dev", targets);
        expect(settings.postgresImage).toBe("toy/postgres:17");
        const run = await evaluate(() => deployLibraryStack(settings, "dev"));
        expect(run.errors).toEqual([]);
        expect(run.registrations.filter((r) => r.type === THING).map((r) => r.name)).toEqual([
            "catalog-db",
            "catalog-migrate",
            "catalog-app-1",
            "catalog-app-2",
        ]);
        expect(await promiseOf(run.result.platform.zone)).toBe("zone-c");

        const foreign = { ...raw, publishAddress: "0.0.0.0", services: { catalog: serviceBlock({ hostPort: 8080 }) } };
        const refused = () => validateStack(foreign, dir, "library", "dev", targets);
        expect(refused).toThrow("library:publishAddress: is read on docker only, and this stack's target is toy; remove it");
        expect(refused).toThrow("library:services.catalog.hostPort: is read on Docker only, and this stack's target is toy; remove it");
        // And the toy's own keys are another target's on Docker.
        expect(() => validateStack({ services: { catalog: serviceBlock({ shards: 2 }) } }, dir, "library", "dev", targets)).toThrow(
            "library:services.catalog.shards: is read on Toy only, and this stack's target is docker; remove it",
        );
    });
});
