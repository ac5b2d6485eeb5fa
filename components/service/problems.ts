/**
 * How bad input is reported: every problem collected, each naming the key or file, what is wrong and what would be
 * right, thrown once, before anything is registered, under a heading that fits whoever gave the input.
 */
import { distance } from "fastest-levenshtein";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";

/** Thrown with every problem found; RunError makes Pulumi print the message without a stack trace. */
export class InvalidInputError extends pulumi.RunError {
    constructor(
        heading: string,
        readonly problems: readonly string[],
    ) {
        super(`${heading}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "InvalidInputError";
    }
}

/** `n problem(s)`. */
export function count(n: number, noun: string): string {
    return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/** A value as a message quotes it: `'3'`, `number -1`, `a list`. */
export function describeValue(value: unknown): string {
    if (value === undefined) return "nothing";
    if (value === null) return "null";
    if (Array.isArray(value)) return "a list";
    if (typeof value === "object") return "a map";
    return typeof value === "string" ? `'${value}'` : `${typeof value} ${String(value)}`;
}

/** `; did you mean 'x'?` for a key close to an allowed one, else the allowed keys. */
export function suggestion(key: string, allowed: readonly string[]): string {
    const close = allowed.find((candidate) => distance(candidate.toLowerCase(), key.toLowerCase()) <= 2);
    return close ? `; did you mean '${close}'?` : `; allowed keys are ${allowed.join(", ")}`;
}

/**
 * Renders schema issues as `<where(path)>: <what is wrong>; <what would be right>`, with `expected` giving what a
 * right value looks like by key name, and `allowedKeys` the keys an object at a path takes.
 */
export function describeIssues(
    issues: readonly z.core.$ZodIssue[],
    where: (path: readonly PropertyKey[]) => string,
    expected: Record<string, string>,
    allowedKeys: (path: readonly PropertyKey[]) => string[],
): string[] {
    return issues.flatMap((issue) => {
        if (issue.code === "unrecognized_keys") {
            return issue.keys.map((key) => `${where([...issue.path, key])}: unknown key${suggestion(key, allowedKeys(issue.path))}`);
        }
        const field = String(issue.path.findLast((p) => typeof p === "string") ?? "");
        const input = (issue as { input?: unknown }).input;
        if (input === undefined && issue.code === "invalid_type") {
            return [`${where(issue.path)}: is required; set it to ${expected[field] ?? issue.expected}`];
        }
        return [`${where(issue.path)}: must be ${expected[field] ?? issue.message}, got ${describeValue(input)}`];
    });
}
