/**
 * The app side of the design, for real: the reference Spring Boot service (examples/catalog-service) against a
 * catalog database that real Flyway migrated as the stack configures it. Three instances start at the same moment
 * with exactly the environment the program gives the catalog's app containers (appEnvironment, the program's own
 * code); all become ready, none touches Flyway's history, the endpoint reads and writes through the app role, and
 * the health paths the stack's healthcheck and probes ask answer. With Flyway switched on, the same instances fail:
 * the database refuses the app role, whatever the configuration says.
 */
import { spawnSync } from "child_process";
import { FLYWAY_HISTORY_TABLE } from "../../components/flyway/config";
import { appEnvironment, jdbcUrl } from "../../components/service/appEnvironment";
import { healthSchema } from "../../components/service/arguments";
import { healthCommand } from "../../components/targets/docker/appContainers";
import { freePort } from "../../tools/lib/freePort";
import { withClient } from "../../tools/lib/pgClient";
import { buildReferenceService, ServiceInstance, startInstance } from "../../tools/lib/referenceService";
import type { ServiceDatabase } from "../../tools/lib/verify";
import { testPostgres } from "../support/postgres";
import { migratedService } from "../support/serviceDatabases";

const INSTANCES = 3;
/** A JVM start on a shared 2-core machine, three at once. */
const START_TIMEOUT_MS = 150_000;
/** The health paths the stack uses when a service sets none: Spring Boot's actuator groups. */
const HEALTH = healthSchema.parse({});

/** The environment the program gives the catalog's app containers, for a database at 127.0.0.1 and `port`. */
function programEnvironment(db: ServiceDatabase, port: number): Record<string, string> {
    const server = testPostgres();
    return appEnvironment({
        jdbcUrl: jdbcUrl("127.0.0.1", db.names.database, server.port),
        user: db.names.appUser,
        password: db.appPassword,
        port,
        env: {},
    }) as Record<string, string>;
}

/** Whether the stack's Docker healthcheck passes: its command, run as Docker runs it (without the CMD marker). */
function dockerHealthcheckPasses(port: number): boolean {
    const [marker, command, ...args] = healthCommand(port, HEALTH);
    expect(marker).toBe("CMD");
    const run = spawnSync(command, args, { timeout: 10_000 });
    if (run.error)
        throw new Error(`the healthcheck's ${command} could not run here: ${run.error.message}; install it (apt-get install wget)`);
    return run.status === 0;
}

/** Waits until the instance's healthcheck passes, or fails with its log when it exits or never does. */
async function ready(instance: ServiceInstance, port: number): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
        if (instance.process.exitCode !== null) {
            throw new Error(`the instance on port ${port} exited with ${instance.process.exitCode}:\n${instance.log()}`);
        }
        if (dockerHealthcheckPasses(port)) return;
        await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new Error(`the instance on port ${port} was not ready within ${START_TIMEOUT_MS / 1000} s:\n${instance.log()}`);
}

/** The instance's exit code, or a failure with its log when it is still running after the start timeout. */
async function exitCode(instance: ServiceInstance): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
            () => reject(new Error(`still running after ${START_TIMEOUT_MS / 1000} s:\n${instance.log()}`)),
            START_TIMEOUT_MS,
        );
    });
    return Promise.race([instance.exited, timeout]).finally(() => clearTimeout(timer));
}

/** Flyway's history as it stands, every column: any write by an instance would change it. */
const historyOf = (db: ServiceDatabase) =>
    withClient(db.owner, async (c) => (await c.query(`SELECT * FROM "${FLYWAY_HISTORY_TABLE}" ORDER BY installed_rank`)).rows);

describe("the reference Spring Boot service on a database migrated by the stack's Flyway", () => {
    let jar: string;
    let db: ServiceDatabase;
    let history: unknown[];
    const running: ServiceInstance[] = [];

    beforeAll(async () => {
        jar = buildReferenceService();
        db = await migratedService("catalog");
        history = await historyOf(db);
        expect(history.length).toBeGreaterThan(0);
    }, 240_000);

    afterAll(async () => {
        await Promise.all(running.map((instance) => instance.stop()));
    });

    describe(`${INSTANCES} instances started at once, with Flyway off as the program sets it`, () => {
        let ports: number[];
        let instances: ServiceInstance[];

        beforeAll(async () => {
            ports = [];
            for (let i = 0; i < INSTANCES; i++) ports.push(await freePort());
            instances = ports.map((port) => startInstance(jar, programEnvironment(db, port)));
            running.push(...instances);
            await Promise.all(instances.map((instance, i) => ready(instance, ports[i])));
        }, START_TIMEOUT_MS + 30_000);

        it("all become ready: the stack's Docker healthcheck passes for each", () => {
            expect(ports.map(dockerHealthcheckPasses)).toEqual(ports.map(() => true));
        });

        it("answer the liveness and readiness paths Kubernetes' probes ask, with UP", async () => {
            for (const port of ports) {
                for (const probePath of [HEALTH.livenessPath, HEALTH.readinessPath]) {
                    const response = await fetch(`http://127.0.0.1:${port}${probePath}`);
                    expect({ port, probePath, status: response.status, body: await response.json() }).toEqual({
                        port,
                        probePath,
                        status: 200,
                        body: { status: "UP" },
                    });
                }
            }
        });

        it("log in as the app role, not as the owner", async () => {
            const users = await withClient(testPostgres().superuser(), async (c) =>
                (
                    await c.query("SELECT DISTINCT usename FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend'", [
                        db.names.database,
                    ])
                ).rows.map((r) => r.usename),
            );
            expect(users).toContain(db.names.appUser);
            expect(users).not.toContain(db.names.owner);
        });

        it("write a row through one instance that the others read", async () => {
            const created = await fetch(`http://127.0.0.1:${ports[0]}/books`, {
                method: "POST",
                headers: { "content-type": "application/json" },
                body: JSON.stringify({ isbn: "9780441013593", title: "Dune" }),
            });
            expect(created.status).toBe(201);
            const book = await created.json();
            expect(book).toMatchObject({ isbn: "9780441013593", title: "Dune" });
            for (const port of ports.slice(1)) {
                expect(await (await fetch(`http://127.0.0.1:${port}/books`)).json()).toEqual([book]);
            }
        });

        it("leave Flyway's history as the stack's Flyway wrote it, and never start Flyway", async () => {
            expect(await historyOf(db)).toEqual(history);
            for (const instance of instances) {
                expect(instance.log()).toMatch(/Started CatalogServiceApplication/);
                expect(instance.log()).not.toMatch(/flyway/i);
            }
        });
    });

    describe("the same instances with Flyway switched on", () => {
        let instances: ServiceInstance[];
        let codes: (number | null)[];

        beforeAll(async () => {
            const ports: number[] = [];
            for (let i = 0; i < INSTANCES; i++) ports.push(await freePort());
            instances = ports.map((port) => startInstance(jar, { ...programEnvironment(db, port), SPRING_FLYWAY_ENABLED: "true" }));
            running.push(...instances);
            codes = await Promise.all(instances.map(exitCode));
        }, START_TIMEOUT_MS + 30_000);

        it("fail to start: the database refuses the app role Flyway's history", () => {
            expect(codes).toEqual(codes.map(() => 1));
            for (const instance of instances) {
                expect(instance.log()).toMatch(/Flyway/);
                expect(instance.log()).toMatch(/ERROR: permission denied for table flyway_schema_history/);
            }
        });

        it("and change nothing", async () => {
            expect(await historyOf(db)).toEqual(history);
        });
    });
});
