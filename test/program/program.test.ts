/**
 * index.ts as `pulumi up` runs it: the stack's configuration as the CLI hands it over, read, validated and deployed.
 */
import * as path from "path";
import { CONTAINER } from "../support/engineModel/providers";
import { NAMESPACE, PROJECT_DIR } from "../../tools/lib/repository";
import { evaluate, promiseOf } from "../support/evaluate";
import { FIXTURE_DIR, fixtureConfig } from "../support/fixtureStack";

/** The fixture stack as the Pulumi CLI hands a stack's config to the program: `<namespace>:<key>`, objects as JSON. */
function fixtureStackConfig(): Record<string, string> {
    const { services, ...rest } = fixtureConfig();
    return {
        ...Object.fromEntries(Object.entries(rest).map(([key, value]) => [`${NAMESPACE}:${key}`, String(value)])),
        [`${NAMESPACE}:services`]: JSON.stringify(services),
        [`${NAMESPACE}:migrationsDir`]: path.relative(PROJECT_DIR, path.join(FIXTURE_DIR, "migrations")),
    };
}

type Program = typeof import("../../index");

/** Runs index.ts afresh, as `pulumi up` does: loads the module and calls the function it exports. */
function runProgram(): ReturnType<Program> {
    let program!: Program;
    jest.isolateModules(() => {
        program = require("../../index");
    });
    return program();
}

describe("index.ts", () => {
    it("deploys the stack's configuration and exports what an operator needs per service", async () => {
        const { result: outputs, registrations, errors } = await evaluate(runProgram, { config: fixtureStackConfig() });
        const result = await outputs;
        expect(errors).toEqual([]);
        expect(registrations.filter((r) => r.type === CONTAINER)).toHaveLength(13);
        expect(await promiseOf(result.network!)).toBe("library-dev");
        expect(Object.keys(result.services).sort()).toEqual(["catalog", "identity", "reader-lending"]);
        expect(await promiseOf(result.services.catalog.appContainers)).toEqual([
            "dev-catalog-app-1",
            "dev-catalog-app-2",
            "dev-catalog-app-3",
        ]);
    });

    it("stops on bad config before registering a single resource", async () => {
        const config = {
            ...fixtureStackConfig(),
            [`${NAMESPACE}:services`]: JSON.stringify({ catalog: { image: "nginx", replicas: -1 } }),
            [`${NAMESPACE}:flywayImage`]: "flyway",
        };
        // Matched by message: isolateModules loads a second copy of the error class.
        const { registrations } = await evaluate(
            () => expect(runProgram()).rejects.toThrow(/has 3 problems; nothing was created or changed/),
            { config },
        );
        expect(registrations).toEqual([]);
    });

    it("rejects a misspelt stack-wide key instead of ignoring it", async () => {
        const config = { ...fixtureStackConfig(), [`${NAMESPACE}:flywayImages`]: "flyway/flyway:11" };
        const { registrations } = await evaluate(
            () => expect(runProgram()).rejects.toThrow(`${NAMESPACE}:flywayImages: unknown key; did you mean 'flywayImage'?`),
            {
                config,
            },
        );
        expect(registrations).toEqual([]);
    });
});
