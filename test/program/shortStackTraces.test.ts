/**
 * Registering without the SDK's per-promise stack traces changes nothing the engine receives.
 */
import { withoutPromiseStackTraces } from "../../components/stack/shortStackTraces";
import { evaluate } from "../support/evaluate";
import { deployStack } from "../support/fixtureStack";

describe("withoutPromiseStackTraces", () => {
    it("sends the engine the same registrations, source positions included", async () => {
        // evaluate() itself registers without traces (as index.ts does); the baseline restores the SDK default inside.
        const withTraces = await evaluate(() => {
            const limit = Error.stackTraceLimit;
            Error.stackTraceLimit = 10;
            try {
                return deployStack()();
            } finally {
                Error.stackTraceLimit = limit;
            }
        });
        const without = await evaluate(deployStack());
        const sent = (run: typeof without) =>
            run.registrations.map((r) => ({ name: r.name, inputs: r.inputs, dependencies: r.dependencies, at: r.sourcePosition }));
        expect(sent(without)).toEqual(sent(withTraces));
        // Taken by Resource.callsites(), which raises the limit for itself (runtime/resource.js). (The SDK finds none for
        // resources created inside Array.from's callback, with or without traces.)
        expect(without.registrations.filter((r) => r.sourcePosition?.startsWith("file://")).length).toBeGreaterThan(20);
    });

    it("restores the limit afterwards, also when the program throws", () => {
        const before = Error.stackTraceLimit;
        expect(withoutPromiseStackTraces(() => Error.stackTraceLimit)).toBe(0);
        expect(() =>
            withoutPromiseStackTraces(() => {
                throw new Error("bad config");
            }),
        ).toThrow("bad config");
        expect(Error.stackTraceLimit).toBe(before);
    });

    it("leaves the limit alone when PULUMI_DEBUG_PROMISE_LEAKS asks for the SDK's leak reports", () => {
        process.env.PULUMI_DEBUG_PROMISE_LEAKS = "true";
        try {
            expect(withoutPromiseStackTraces(() => Error.stackTraceLimit)).toBe(Error.stackTraceLimit);
            expect(withoutPromiseStackTraces(() => Error.stackTraceLimit)).toBeGreaterThan(0);
        } finally {
            delete process.env.PULUMI_DEBUG_PROMISE_LEAKS;
        }
    });
});
