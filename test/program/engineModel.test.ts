/**
 * The engine model's own rules, on a minimal program, where the library stack would hide them.
 */
import * as docker from "@pulumi/docker";
import { FakeEngine } from "../support/engineModel/engine";
import { evaluate } from "../support/evaluate";

/** Two containers; the second's `restart` (changed in place by the provider) is made from the first's name. */
function program(firstImage: string, replaceOnChanges: string[]) {
    return () => {
        const first = new docker.Container("first", { image: firstImage, name: "first" }, { deleteBeforeReplace: true });
        const restart = first.name.apply(() => "unless-stopped");
        new docker.Container("second", { image: "app:1", name: "second", restart }, { replaceOnChanges });
    };
}

describe("a delete-before-replace with a dependant made of its outputs", () => {
    it.each([
        ["without replaceOnChanges (the provider updates `restart` in place)", [], ["deleted first", "created first"]],
        ["with replaceOnChanges listing `restart`", ["restart"], ["deleted second", "deleted first", "created first", "created second"]],
    ])(
        "%s: the dependant is deleted first only when it would be replaced (applyReplaceOnChanges)",
        async (_, replaceOnChanges, expected) => {
            const engine = new FakeEngine();
            await evaluate(program("db:1", replaceOnChanges), { engine });
            const run = await evaluate(program("db:2", replaceOnChanges), { engine });
            expect(run.errors).toEqual([]);
            expect(run.events.filter((e) => /^(deleted|created) /.test(e))).toEqual(expected);
        },
    );
});
