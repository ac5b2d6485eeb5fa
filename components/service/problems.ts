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
        // No stack frames: the user sees the message only (a RunError), and the SDK renders the whole error for its
        // tracing span, where colouring source-mapped frames costs 20-25 s of CPU on Node 20 and 22 (see
        // resourceError.ts, nodejs/node#64011). Measured on the real engine: a preview refusing one migration took 25.1 s.
        this.stack = `${this.name}: ${this.message}`;
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

/** What a schema says a right value looks like (its `expected` metadata), for messages. */
export interface ExpectedMeta {
    expected?: string;
}

type AnySchema = z.core.$ZodType;

/** The schema inside optional, default, prefault, nullable and readonly wrappers. */
function unwrapped(schema: AnySchema): AnySchema {
    const inner = (schema._zod.def as { innerType?: AnySchema }).innerType;
    return inner ? unwrapped(inner) : schema;
}

/** The `expected` wording of a schema, set with `.meta({ expected })` on it or on any schema it wraps. */
export function expectedOf(schema: AnySchema | undefined): string | undefined {
    for (let at = schema; at; at = (at._zod.def as { innerType?: AnySchema }).innerType) {
        const meta = z.globalRegistry.get(at) as ExpectedMeta | undefined;
        if (meta?.expected) return meta.expected;
    }
    return undefined;
}

/** The schema of the value at `path` inside `schema` (object keys, record values, list items), if any. */
export function schemaAt(schema: AnySchema, path: readonly PropertyKey[]): AnySchema | undefined {
    let at: AnySchema | undefined = schema;
    for (const key of path) {
        if (!at) return undefined;
        const def = unwrapped(at)._zod.def as {
            type: string;
            shape?: Record<string, AnySchema>;
            valueType?: AnySchema;
            element?: AnySchema;
        };
        at =
            def.type === "object"
                ? def.shape?.[String(key)]
                : def.type === "record"
                  ? def.valueType
                  : def.type === "array"
                    ? def.element
                    : undefined;
    }
    return at;
}

/** The keys the object at `path` inside `schema` takes. */
export function keysAt(schema: AnySchema, path: readonly PropertyKey[]): string[] {
    const at = schemaAt(schema, path);
    const def = at && (unwrapped(at)._zod.def as { type: string; shape?: Record<string, AnySchema> });
    return def?.type === "object" ? Object.keys(def.shape ?? {}) : [];
}

/**
 * Renders issues of `schema` as `<where(path)>: <what is wrong>; <what would be right>`: what a right value looks like
 * comes from the schema's `expected` metadata, the keys an object takes from its shape.
 */
export function describeIssues(
    issues: readonly z.core.$ZodIssue[],
    schema: AnySchema,
    where: (path: readonly PropertyKey[]) => string,
): string[] {
    return issues.flatMap((issue) => {
        if (issue.code === "unrecognized_keys") {
            return issue.keys.map((key) => `${where([...issue.path, key])}: unknown key${suggestion(key, keysAt(schema, issue.path))}`);
        }
        // A list's item says what its list expects: `after[1]` reads as `after`.
        const keyPath = issue.path.slice(0, issue.path.findLastIndex((p) => typeof p !== "number") + 1);
        const expected = expectedOf(schemaAt(schema, keyPath));
        const input = (issue as { input?: unknown }).input;
        if (input === undefined && issue.code === "invalid_type") {
            return [`${where(issue.path)}: is required; set it to ${expected ?? issue.expected}`];
        }
        return [`${where(issue.path)}: must be ${expected ?? issue.message}, got ${describeValue(input)}`];
    });
}
