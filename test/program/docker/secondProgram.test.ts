/**
 * The component used by a program that is not ours: its own network, service and migrations, no stack config.
 */
import * as path from "path";
import { DockerTarget, InvalidServiceArgumentsError, ServiceWithMigrations } from "../../../components";
import { evaluate, named, promiseOf } from "../../support/evaluate";
import { CONTAINER } from "../../support/engineModel/providers";

const ordersMigrations = path.join(__dirname, "..", "..", "fixtures", "ordersProgram", "migrations", "orders");
const baseArgs = {
    target: new DockerTarget({ network: "shop" }),
    appImage: "ghcr.io/acme/orders:2.0.0",
    postgresImage: "postgres:17",
    flywayImage: "flyway/flyway:11",
    migrations: ordersMigrations,
};

describe("ServiceWithMigrations used by another program", () => {
    it("registers nothing when imported", async () => {
        const { registrations } = await evaluate(() => {
            jest.isolateModules(() => require("../../../components"));
        });
        expect(registrations).toEqual([]);
    });

    it("builds that program's service from its own folder and arguments", async () => {
        const { registrations, errors, result } = await evaluate(
            () => {
                let program!: typeof import("../../fixtures/ordersProgram");
                jest.isolateModules(() => (program = require("../../fixtures/ordersProgram")));
                return program;
            },
            { stack: "shop-prod" },
        );
        expect(errors).toEqual([]);
        expect(
            registrations
                .filter((r) => r.type === CONTAINER)
                .map((r) => r.name)
                .sort(),
        ).toEqual(["orders-app-1", "orders-app-2", "orders-db", "orders-flyway"]);
        expect(named(registrations, "orders-flyway").inputs.uploads[0]).toMatchObject({ file: "/flyway/sql/V1__create_orders.sql" });
        expect(named(registrations, "orders-app-1").inputs.envs).toEqual(
            expect.arrayContaining(["ORDERS_CURRENCY=EUR", "SERVER_PORT=9000"]),
        );
        // Without a prefix, Docker names are the Pulumi names.
        expect(named(registrations, "orders-app-1").inputs.name).toBe("orders-app-1");
        expect(await promiseOf(result.orders.appContainerNames)).toEqual(["orders-app-1", "orders-app-2"]);
    });

    it.each([
        ["replicas -1", { replicas: -1 }, "ServiceWithMigrations 'orders'.replicas"],
        ["a fractional port", { port: 80.5 }, "ServiceWithMigrations 'orders'.port"],
        [
            "a reserved env key",
            { env: { SPRING_FLYWAY_ENABLED: "true" } },
            "ServiceWithMigrations 'orders'.env.SPRING_FLYWAY_ENABLED: is set by the stack",
        ],
        ["a missing folder", { migrations: path.join(__dirname, "nowhere") }, "service 'orders': migrations folder"],
        [
            "a memory limit below Docker's minimum",
            { limits: { memoryMb: 2 } },
            "ServiceWithMigrations 'orders'.limits.memoryMb: must be a whole number of megabytes from 6 to 1048576, got number 2",
        ],
        [
            "a cpus value Docker reads back differently",
            { limits: { cpus: 0.05 } },
            `ServiceWithMigrations 'orders'.limits.cpus: the Docker provider reads 0.05 back as "0.1"`,
        ],
    ])("refuses %s before registering anything, itself included", async (_, overrides, expected) => {
        const { registrations } = await evaluate(() => {
            expect(() => new ServiceWithMigrations("orders", { ...baseArgs, ...overrides })).toThrow(expected);
        });
        expect(registrations).toEqual([]);
    });

    it("says what is wrong in the component's own words, every problem at once", () => {
        let error: unknown;
        try {
            new ServiceWithMigrations("orders", { ...baseArgs, replicas: -1, port: 80.5 });
        } catch (e) {
            error = e;
        }
        expect(error).toBeInstanceOf(InvalidServiceArgumentsError);
        expect((error as Error).message).toBe(
            "ServiceWithMigrations 'orders' has 2 problems in its arguments; nothing was registered:\n" +
                "  - ServiceWithMigrations 'orders'.replicas: must be a whole number from 0 to 100, got number -1\n" +
                "  - ServiceWithMigrations 'orders'.port: must be a whole number from 1 to 65535, got number 80.5",
        );
    });

    it("refuses a name that cannot name Docker objects and databases", async () => {
        const { registrations } = await evaluate(() => {
            expect(() => new ServiceWithMigrations("Orders_Service", baseArgs)).toThrow("'Orders_Service' is not a valid service name");
        });
        expect(registrations).toEqual([]);
    });
});
