/**
 * The shape of the stack's configuration (`<namespace>:*` keys in Pulumi.<stack>.yaml) and how a shape error reads.
 * The keys every stack has are here; each target adds its stack-wide keys, and a service block is the component's
 * own arguments on that target (service/arguments.ts and the target's keys) plus the keys only a stack file has.
 * Rules that need more than one value at a time are in validateStack.ts.
 */
import { z } from "zod";
import { firstArgumentsShape, restArgumentsShape } from "../service/arguments";
import { describeIssues } from "../service/problems";
import type { TargetDefinition } from "../targets/definition";
import { DEFAULT_TARGET, TargetRegistry } from "../targets/registry";

/** The keys every stack has, whatever its target. */
export function baseStackShape(targets: TargetRegistry) {
    const names = Object.keys(targets);
    return {
        /** Services by name. */
        services: z.record(z.string(), z.unknown()).meta({ expected: "a map from service name to { image, replicas, port, env }" }),
        /** Where the stack runs. @default "docker" */
        target: z
            .enum(names as [string, ...string[]])
            .default(DEFAULT_TARGET)
            .meta({ expected: names.join(" or ") }),
        /** PostgreSQL image of every service's database. @default the target's (TargetDefinition.defaultPostgresImage) */
        postgresImage: z.string().optional().meta({ expected: "an image reference such as postgres:17" }),
        /** Flyway image for every service's one-shot migration. @default "flyway/flyway:11" */
        flywayImage: z.string().default("flyway/flyway:11").meta({ expected: "an image reference such as flyway/flyway:11" }),
        /** Image majors the stack runs although no check here proves them (PostgreSQL 17 and Flyway 11 are). @default none */
        acceptImageMajors: z
            .strictObject({
                postgres: z.array(z.int().min(9)).default([]).meta({ expected: "a list of PostgreSQL majors, e.g. [16]" }),
                flyway: z.array(z.int().min(9)).default([]).meta({ expected: "a list of Flyway majors, e.g. [10]" }),
            })
            .prefault({})
            .meta({ expected: "a map { postgres, flyway } of majors to accept, e.g. { postgres: [16] }" }),
        /** Folder holding one migrations folder per service, relative to the project. @default "migrations" */
        migrationsDir: z.string().default("migrations").meta({ expected: "a folder path such as migrations" }),
    };
}

/** One service's block under `<namespace>:services` on `definition`'s target. */
export function serviceConfigSchema(definition: TargetDefinition) {
    const keys = definition.serviceKeys;
    return z.strictObject({
        /** Image the apps run; a Spring Boot service's image, or any HTTP image standing in for it. */
        image: z.string().meta({ expected: "an image reference such as ghcr.io/acme/catalog:1.4.2" }),
        ...firstArgumentsShape,
        /** Extra environment of the apps; in a stack file, values are text. */
        env: z.record(z.string(), z.string()).default({}).meta({ expected: "a map from variable name to text" }),
        // The target's keys are listed right after the ones people set most, and win over a shared key of the same
        // name (a nested map such as `health` gains keys).
        ...keys,
        ...restArgumentsShape,
        ...keys,
        /** This service's PostgreSQL image, instead of the stack-wide `postgresImage` (e.g. to upgrade one service first). */
        postgresImage: z.string().optional().meta({ expected: "an image reference such as postgres:17" }),
        /** Services whose migrations must have applied before this service's migration starts. */
        after: z.array(z.string()).default([]).meta({ expected: "a list of service names, e.g. [identity, catalog]" }),
    });
}

/** A parsed service block: the shared keys typed, the target's by name. */
export type ServiceConfig = z.output<ReturnType<typeof serviceConfigSchema>> & Record<string, unknown>;

/** The whole stack's schema on `definition`'s target: what messages walk for wording and allowed keys. */
export function stackSchema(targets: TargetRegistry, definition: TargetDefinition) {
    return z.strictObject({
        ...baseStackShape(targets),
        services: z
            .record(z.string(), serviceConfigSchema(definition))
            .meta({ expected: "a map from service name to { image, replicas, port, env }" }),
        ...definition.stackKeys,
    });
}

/**
 * The `<namespace>:*` values of a stack's config (as the Pulumi CLI hands them to a program: objects as JSON text),
 * keyed without the namespace. Values that parse as JSON are used parsed, as Config.getObject does. Every key is
 * kept, so validation can reject a misspelt one instead of ignoring it.
 */
export function namespacedConfig(all: Record<string, string>, namespace: string): Record<string, unknown> {
    const raw: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(all)) {
        if (key.startsWith(`${namespace}:`)) {
            raw[key.slice(namespace.length + 1)] = parseConfigValue(value);
        }
    }
    return raw;
}

function parseConfigValue(value: string): unknown {
    try {
        return JSON.parse(value);
    } catch {
        return value; // plain text, as Config.get returns it
    }
}

/** Renders each schema issue of `schema` (a stackSchema) as `<namespace>:<key path>: <what is wrong>; <what would be right>`. */
export function describeSchemaIssues(issues: readonly z.core.$ZodIssue[], namespace: string, schema: z.core.$ZodType): string[] {
    const where = (path: readonly PropertyKey[]) => {
        const [top, ...rest] = path.map(String);
        return top === undefined ? `${namespace}:` : [`${namespace}:${top}`, ...rest].join(".");
    };
    return issues.flatMap((issue) => {
        const input = (issue as { input?: unknown }).input;
        if (issue.path.length === 4 && issue.path[2] === "env") {
            return [`${where(issue.path)}: must be text, got ${typeof input} ${String(input)}; quote it in YAML, e.g. "${String(input)}"`];
        }
        if (issue.path.length === 2 && issue.path[0] === "services" && issue.code === "invalid_type") {
            return [
                `${where(issue.path)}: must be a map with at least an image, e.g. { image: ghcr.io/acme/${String(issue.path[1])}:1.0.0, ` +
                    `replicas: 2 }, got ${Array.isArray(input) ? "a list" : typeof input === "string" ? `'${input}'` : typeof input}`,
            ];
        }
        return describeIssues([issue], schema, where);
    });
}
