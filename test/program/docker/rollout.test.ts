/**
 * Rollouts of app containers on Docker, under the engine model: the order in which a change replaces the replicas of
 * a service, how many of them serve meanwhile, and what scaling and a replica that never becomes healthy do.
 *
 * "Serving" counts the service's replicas that exist and passed their healthcheck: a replica's create finishes only
 * once it is healthy (`wait`), so `created` is the moment it serves and `deleted` the moment it stops.
 */
import { FakeEngine } from "../../support/engineModel/engine";
import { CONTAINER } from "../../support/engineModel/providers";
import { evaluate, named, settled } from "../../support/evaluate";
import { changes, deployStack, fixtureConfig, RawStack } from "../../support/fixtureStack";

/** Simulated time from a replica's create to its first passing healthcheck. */
const START_MS = 15;
const createTime = (type: string, name: string) => (type === CONTAINER && /-app-\d+$/.test(name) ? START_MS : 0);

/** Deploys `before`, then updates to `after`; the second run's result and the engine. */
async function update(before: RawStack, after: RawStack, options: { failCreate?: Record<string, string> } = {}) {
    const engine = new FakeEngine();
    expect((await evaluate(deployStack(before), { engine, createTime })).errors).toEqual([]);
    const run = await evaluate(deployStack(after), { engine, createTime, ...options });
    return { engine, run };
}

/** The fewest of `service`'s replicas serving at any moment of `events`, starting from `replicas`. */
function fewestServing(events: string[], service: string, replicas: number): number {
    const replica = new RegExp(`^(deleted|created) ${service}-app-\\d+$`);
    let serving = replicas;
    let fewest = replicas;
    for (const event of events.filter((e) => replica.test(e))) {
        serving += event.startsWith("created") ? 1 : -1;
        fewest = Math.min(fewest, serving);
    }
    return fewest;
}

const replicaEvents = (events: string[], service: string) => events.filter((e) => new RegExp(`^(deleted|created) ${service}-app-`).test(e));

/** A rolling replacement of catalog's three replicas: each old one goes only once the one before is back. */
const ONE_AT_A_TIME = [1, 2, 3].flatMap((i) => [`deleted catalog-app-${i}`, `created catalog-app-${i}`]);

function withCatalog(change: (catalog: Record<string, any>) => void): RawStack {
    const raw = fixtureConfig();
    change(raw.services.catalog);
    return raw;
}

const NEXT_IMAGE = "traefik/whoami:v1.11.1";

/** catalog's app image changed, catalog rolling (the fixture's) or `parallel` before and after. */
function imageChange(rollout: "rolling" | "parallel", options: { failCreate?: Record<string, string> } = {}) {
    const withRollout = (c: Record<string, any>) => {
        if (rollout === "parallel") c.rollout = "parallel";
    };
    return update(
        withCatalog(withRollout),
        withCatalog((c) => {
            withRollout(c);
            c.image = NEXT_IMAGE;
        }),
        options,
    );
}

describe("an image change on a service with three replicas", () => {
    it("rolls (the default): one replica at a time, each replaced once the one before is healthy again", async () => {
        const { run } = await imageChange("rolling");
        expect(run.errors).toEqual([]);
        expect(replicaEvents(run.events, "catalog")).toEqual(ONE_AT_A_TIME);
        expect(fewestServing(run.events, "catalog", 3)).toBe(2);
    });

    it("with rollout: parallel, replaces them all at once: for a moment none serves", async () => {
        const { run } = await imageChange("parallel");
        expect(run.errors).toEqual([]);
        expect(fewestServing(run.events, "catalog", 3)).toBe(0);
    });

    it("stops at a replica that never becomes healthy: the others keep the old image and serve", async () => {
        const unhealthy = "container did not become healthy within the 330 s wait timeout";
        const { engine, run } = await imageChange("rolling", { failCreate: { "catalog-app-1": unhealthy } });
        expect(run.diagnostics).toEqual([{ resource: "catalog-app-1", message: unhealthy }]);
        expect(run.errors.map((e) => e.message)).toEqual([
            expect.stringMatching(
                /^catalog: the rollout stopped at replica 1, .*; replicas 2-3 were not created or changed, and those that existed keep/,
            ),
        ]);
        expect(run.events.filter((e) => /catalog-app-/.test(e) && !e.startsWith("registered"))).toEqual([
            "deleted catalog-app-1",
            "failed catalog-app-1",
        ]);
        expect(run.steps["catalog-app-2"]).toBeUndefined();
        expect(run.steps["catalog-app-3"]).toBeUndefined();
        expect(engine.resourceNames()).toEqual(expect.arrayContaining(["catalog-app-2", "catalog-app-3"]));

        // Fixed (here: the next create passes), the next update replaces the failed replica and rolls on.
        const next = await evaluate(deployStack(withCatalog((c) => (c.image = NEXT_IMAGE))), { engine, createTime });
        expect(next.errors).toEqual([]);
        expect(replicaEvents(next.events, "catalog")).toEqual(ONE_AT_A_TIME);
    });
});

describe("a replica that cannot be created, said once", () => {
    it("rolling, the last replica: the provider's error only; nothing waits on it, and the outputs say so", async () => {
        const { run } = await imageChange("rolling", { failCreate: { "catalog-app-3": "unhealthy" } });
        expect(run.diagnostics).toEqual([{ resource: "catalog-app-3", message: "unhealthy" }]);
        expect(run.errors).toEqual([]);
        expect(await settled(run.result.services.catalog.appsUpdated, "catalog")).toBe(false);
    });

    it("parallel: no rollout stopped anywhere, as none was; only the provider's error", async () => {
        const { run } = await imageChange("parallel", { failCreate: { "catalog-app-2": "unhealthy" } });
        expect(run.diagnostics).toEqual([{ resource: "catalog-app-2", message: "unhealthy" }]);
        expect(run.errors).toEqual([]);
        expect(await settled(run.result.services.catalog.appsUpdated, "catalog")).toBe(false);
        expect(await settled(run.result.services.identity.appsUpdated, "identity")).toBe(true);
    });
});

describe("scaling a rolling service", () => {
    it("up from 3 to 5 creates replicas 4 and 5 and leaves 1 to 3 as they are", async () => {
        const { run } = await update(
            fixtureConfig(),
            withCatalog((c) => (c.replicas = 5)),
        );
        expect(run.errors).toEqual([]);
        expect(changes(run.steps)).toEqual({ "catalog-app-4": "create", "catalog-app-5": "create" });
        expect(replicaEvents(run.events, "catalog")).toEqual(["created catalog-app-4", "created catalog-app-5"]);
    });

    it("down from 3 to 1 removes replicas 3 and 2 and leaves replica 1 as it is", async () => {
        const { run } = await update(
            fixtureConfig(),
            withCatalog((c) => (c.replicas = 1)),
        );
        expect(run.errors).toEqual([]);
        expect(changes(run.steps)).toEqual({ "catalog-app-2": "delete", "catalog-app-3": "delete" });
    });
});

describe("the app healthcheck", () => {
    it("asks Spring Boot's readiness group by default, and the create waits for it", async () => {
        const raw = withCatalog((c) => delete c.health);
        const { registrations } = await evaluate(deployStack(raw));
        const replica = named(registrations, "catalog-app-2");
        expect(replica.inputs).toMatchObject({
            healthcheck: {
                tests: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/actuator/health/readiness"],
                interval: "3s",
                timeout: "3s",
                retries: 3,
                startPeriod: "5m0s",
            },
            wait: true,
            waitTimeout: 330,
        });
        // Pulumi's create timeout outlasts the wait (the provider's own default is 20 minutes).
        expect(replica.customTimeouts?.create).toBe("390s");
        // A first deploy: nothing serves yet, so every replica waits only for the migration (a rolling change below).
        for (const name of ["catalog-app-1", "catalog-app-2"]) {
            expect(named(registrations, name).dependencies).toContain(named(registrations, "catalog-flyway").urn);
            expect(named(registrations, name).dependencies.some((u) => /catalog-app-/.test(u))).toBe(false);
        }
    });

    it("on a first deploy, a replica that does not become healthy holds back no other, and is said once, by the engine", async () => {
        const raw = withCatalog(() => undefined);
        const run = await evaluate(deployStack(raw), { engine: new FakeEngine(), failCreate: { "catalog-app-2": "never became healthy" } });
        expect(run.diagnostics).toEqual([{ resource: "catalog-app-2", message: "never became healthy" }]);
        expect(run.errors).toEqual([]);
        expect([run.steps["catalog-app-1"], run.steps["catalog-app-3"]]).toEqual(["create", "create"]);
    });

    it("creates every replica at once on a first deploy, and rolls them one by one once they serve", async () => {
        const engine = new FakeEngine();
        const raw = withCatalog(() => undefined);
        const first = await evaluate(deployStack(raw), { engine });
        const createdAt = (run: typeof first, name: string) => run.events.indexOf(`created ${name}`);
        const registeredAt = (run: typeof first, name: string) => run.events.indexOf(`registered ${name}`);
        // All three registered before the first of them was created (healthy): none waited for another.
        expect(Math.max(...[1, 2, 3].map((i) => registeredAt(first, `catalog-app-${i}`)))).toBeLessThan(
            Math.min(...[1, 2, 3].map((i) => createdAt(first, `catalog-app-${i}`))),
        );
        raw.services.catalog.image = "traefik/whoami:v1.11.1";
        const change = await evaluate(deployStack(raw), { engine });
        expect(registeredAt(change, "catalog-app-2")).toBeGreaterThan(createdAt(change, "catalog-app-1"));
        expect(registeredAt(change, "catalog-app-3")).toBeGreaterThan(createdAt(change, "catalog-app-2"));
        expect(named(change.registrations, "catalog-app-2").dependencies).toContain(named(change.registrations, "catalog-app-1").urn);
    });

    it("takes a command and a start time of the stack's own", async () => {
        const raw = withCatalog((c) => (c.health = { readinessPath: "/ready", startupSeconds: 90, command: ["CMD", "/bin/healthy"] }));
        const { registrations } = await evaluate(deployStack(raw));
        expect(named(registrations, "catalog-app-1").inputs).toMatchObject({
            healthcheck: { tests: ["CMD", "/bin/healthy"], startPeriod: "1m30s" },
            waitTimeout: 120,
        });
    });

    it("a changed check replaces the replicas (the provider would change only its state, not the containers)", async () => {
        const engine = new FakeEngine();
        await evaluate(deployStack(), { engine });
        const preview = await evaluate(deployStack(withCatalog((c) => (c.health = { readinessPath: "/ready" }))), {
            engine,
            preview: true,
        });
        expect(changes(preview.steps)).toEqual({ "catalog-app-1": "replace", "catalog-app-2": "replace", "catalog-app-3": "replace" });
    });
});
