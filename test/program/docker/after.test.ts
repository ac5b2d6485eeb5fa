/**
 * `after`: order between services' migrations, on the fixture stack.
 */
import { validateStack } from "../../../components/config/validateStack";
import { evaluate, promiseOf } from "../../support/evaluate";
import { Registration } from "../../support/engineModel/engine";
import { CONTAINER } from "../../support/engineModel/providers";
import { deployStack, FIXTURE_DIR, FIXTURE_NAMESPACE, fixtureConfig, RawStack } from "../../support/fixtureStack";

/** The fixture stack with `after` lists set as given. */
function devWith(after: Record<string, string[]>): RawStack {
    const raw = fixtureConfig();
    for (const [service, upstreams] of Object.entries(after)) raw.services[service].after = upstreams;
    return raw;
}
const deploy = (raw: RawStack) => deployStack(raw);
const apps = (registrations: Registration[]) =>
    registrations
        .filter((r) => r.type === CONTAINER && r.name.includes("-app-"))
        .map((r) => r.name)
        .sort();
const has = (registrations: Registration[], name: string) => registrations.some((r) => r.name === name);
const FAILED = { exitCode: 1, log: "ERROR: Migration V2__create_roles.sql failed" };
// Flyway takes a while, as a JVM does: enough for an unordered service to overtake.
const slowFlyway = (type: string, name: string) => (type === CONTAINER && name.endsWith("-flyway") ? 200 : 0);

describe("after: order between services", () => {
    it("starts a service's migration only after each upstream migration exited with 0; others run side by side", async () => {
        const { events, errors } = await evaluate(deploy(devWith({ catalog: ["identity"] })), { createTime: slowFlyway });
        expect(errors).toEqual([]);
        const at = (event: string) => {
            expect(events).toContain(event);
            return events.indexOf(event);
        };
        expect(at("registered catalog-flyway")).toBeGreaterThan(at("created identity-flyway"));
        // reader-lending waits for nobody: its migration starts while identity's is still running.
        expect(at("registered reader-lending-flyway")).toBeLessThan(at("created identity-flyway"));
    });

    it("blocks a service, and everything waiting on it, when an upstream migration fails", async () => {
        const raw = devWith({ catalog: ["identity"], "reader-lending": ["catalog"] });
        const { registrations, errors, result } = await evaluate(deploy(raw), { flywayResults: { identity: FAILED } });
        expect(has(registrations, "identity-flyway")).toBe(true);
        expect(has(registrations, "catalog-flyway")).toBe(false);
        expect(has(registrations, "reader-lending-flyway")).toBe(false);
        expect(apps(registrations)).toEqual([]);
        expect(errors.map((e) => e.message)).toEqual([
            expect.stringMatching(/^identity: Flyway migration failed with exit code 1/),
            expect.stringMatching(
                /^catalog: migrations not run .* waits for \(after:\) identity, and its migration failed with exit code 1\. Fix identity/,
            ),
            expect.stringMatching(
                /^reader-lending: migrations not run .* because it waits for \(after:\) catalog, and its migration did not run either\./,
            ),
        ]);
        // The outputs resolve (a blocked service must not hang the update) and say what happened.
        expect(await promiseOf(result.services.catalog.migration)).toBe("not run: waits for identity, whose migration did not apply");
        expect(await promiseOf(result.services["reader-lending"].appsUpdated)).toBe(false);
    });

    it("leaves services that do not wait for the failed one alone", async () => {
        const { registrations, errors } = await evaluate(deploy(devWith({ catalog: ["identity"] })), {
            flywayResults: { identity: FAILED },
        });
        expect(apps(registrations)).toEqual(["reader-lending-app-1", "reader-lending-app-2"]);
        expect(errors).toHaveLength(2);
    });

    it("previews a chain with unknown exit codes: every Flyway and app container shows as to be created", async () => {
        const { registrations, errors } = await evaluate(
            deploy(devWith({ catalog: ["identity"], "reader-lending": ["catalog", "identity"] })),
            { preview: true },
        );
        expect(errors).toEqual([]);
        expect(registrations.filter((r) => r.name.endsWith("-flyway"))).toHaveLength(3);
        expect(apps(registrations)).toHaveLength(7);
    });
});

describe("after: validation", () => {
    const problemsOf = (after: Record<string, string[]>) => {
        try {
            validateStack(devWith(after), FIXTURE_DIR, FIXTURE_NAMESPACE);
            return [];
        } catch (e) {
            return (e as { problems: string[] }).problems;
        }
    };

    it.each([
        [
            "an unknown service",
            { catalog: ["identiy"] },
            "library:services.catalog.after: 'identiy' is not a service of this stack; " +
                "known services are catalog, identity, reader-lending",
        ],
        [
            "a service naming itself",
            { catalog: ["catalog"] },
            "library:services.catalog.after: 'catalog' cannot wait for itself; remove it from its own list",
        ],
        [
            "a repeated name",
            { catalog: ["identity", "identity"] },
            "library:services.catalog.after: lists 'identity' twice; once is enough",
        ],
        [
            "a two-service cycle",
            { catalog: ["identity"], identity: ["catalog"] },
            "library:services: 'after' forms a cycle, catalog → identity → catalog, so none of them could ever migrate; remove one of " +
                "these entries",
        ],
        [
            "a three-service cycle",
            { catalog: ["reader-lending"], "reader-lending": ["identity"], identity: ["catalog"] },
            "library:services: 'after' forms a cycle, catalog → reader-lending → identity → catalog, so none of them could ever migrate; " +
                "remove one of these entries",
        ],
        [
            "a list that is not a list",
            { catalog: "identity" as unknown as string[] },
            "library:services.catalog.after: must be a list of service names, e.g. [identity, catalog], got 'identity'",
        ],
    ])("rejects %s", (_, after, expected) => {
        expect(problemsOf(after)).toEqual([expected]);
    });

    it("stops the program before registering anything", async () => {
        const { registrations } = await evaluate(() => {
            expect(deploy(devWith({ catalog: ["identity"], identity: ["catalog"] }))).toThrow("forms a cycle");
        });
        expect(registrations).toEqual([]);
    });
});

describe("replicas: 0", () => {
    it("keeps the database and its migration, without app containers", async () => {
        const raw = fixtureConfig();
        raw.services.catalog.replicas = 0;
        const { registrations, errors, result } = await evaluate(deploy(raw));
        expect(errors).toEqual([]);
        expect(has(registrations, "catalog-db")).toBe(true);
        expect(has(registrations, "catalog-flyway")).toBe(true);
        expect(apps(registrations).filter((n) => n.startsWith("catalog"))).toEqual([]);
        expect(await promiseOf(result.services.catalog.appContainers)).toEqual([]);
        expect(await promiseOf(result.services.catalog.migration)).toMatch(/^applied/);
    });
});
