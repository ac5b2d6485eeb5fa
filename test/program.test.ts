import { evaluate, promiseOf } from "./support/evaluate";
import { CONTAINER } from "./support/mocks";
import { stackConfig } from "./support/stackFiles";

/** Evaluates index.ts afresh, as `pulumi up` would, with `config` as the stack's configuration. */
function runProgram(): typeof import("../index") {
    let program!: typeof import("../index");
    jest.isolateModules(() => {
        program = require("../index");
    });
    return program;
}

describe("index.ts", () => {
    it("deploys the dev stack file and exports what an operator needs per service", async () => {
        const { result, registrations, errors } = await evaluate(runProgram, { config: stackConfig("dev") });
        expect(errors).toEqual([]);
        expect(registrations.filter((r) => r.type === CONTAINER)).toHaveLength(13);
        expect(await promiseOf(result.network)).toBe("library-dev");
        expect(Object.keys(result.services).sort()).toEqual(["catalog", "identity", "reader-lending"]);
        expect(await promiseOf(result.services.catalog.appContainers)).toEqual(["dev-catalog-app-1", "dev-catalog-app-2", "dev-catalog-app-3"]);
    });

    it("stops on bad config before registering a single resource", async () => {
        const config = { ...stackConfig("dev"), "library:services": JSON.stringify({ catalog: { image: "nginx", replicas: -1 } }), "library:flywayImage": "flyway" };
        const { registrations } = await evaluate(() => {
            // Matched by message: isolateModules loads a second copy of the error class.
            expect(runProgram).toThrow(/has 3 problems; nothing was created or changed/);
        }, { config });
        expect(registrations).toEqual([]);
    });

    it("rejects a misspelt stack-wide key instead of ignoring it", async () => {
        const config = { ...stackConfig("dev"), "library:flywayImages": "flyway/flyway:11" };
        const { registrations } = await evaluate(() => {
            expect(runProgram).toThrow("library:flywayImages: unknown key; did you mean 'flywayImage'?");
        }, { config });
        expect(registrations).toEqual([]);
    });
});
