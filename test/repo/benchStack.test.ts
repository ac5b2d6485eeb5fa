/**
 * `npm run bench` deploys a synthetic stack in child processes, outside the tests; a stack it cannot deploy would only
 * show when someone runs it (the migration-safety check once refused its unlocked copies). Here it deploys, once per
 * kind the bench measures, under the engine model.
 */
import * as fs from "fs";
import { validateStack } from "../../components/config/validateStack";
import { deployLibraryStack } from "../../components/stack/libraryStack";
import { BenchServices, syntheticStack } from "../bench/benchStack";
import { NAMESPACE } from "../../tools/lib/repository";
import { evaluate } from "../support/evaluate";

describe("the bench's synthetic stack", () => {
    it.each<[string, BenchServices]>([
        ["rolling, no backup", { replicas: 3 }],
        ["parallel, with backups", { replicas: 3, rollout: "parallel", backup: true }],
    ])("deploys (%s) without a problem", async (_, options) => {
        const { dir, raw } = syntheticStack(2, options);
        try {
            const run = await evaluate(() => deployLibraryStack(validateStack(raw, dir, NAMESPACE), "bench"), { stack: "bench" });
            expect(run.errors).toEqual([]);
            expect(run.registrations.filter((r) => /-app-\d+$/.test(r.name))).toHaveLength(6);
            expect(run.registrations.filter((r) => r.name.endsWith("-backup"))).toHaveLength(options.backup ? 2 : 0);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
