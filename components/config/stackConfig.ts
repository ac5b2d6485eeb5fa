/**
 * The shape of the stack's configuration (`<namespace>:*` keys in Pulumi.<stack>.yaml) and how a shape error reads.
 * A service block is the component's own arguments (service/arguments.ts) plus the keys only a stack file has; rules
 * that need more than one value at a time are in validateStack.ts.
 */
import { z } from "zod";
import { describeArgumentIssues, EXPECTED_ARGUMENTS, nestedKeys, serviceArgumentsSchema } from "../service/arguments";

/** One service's block under `<namespace>:services`. */
export const serviceConfigSchema = z.strictObject({
    /** Image the apps run; a Spring Boot service's image, or any HTTP image standing in for it. */
    image: z.string(),
    ...serviceArgumentsSchema.shape,
    /** Extra environment of the apps; in a stack file, values are text. */
    env: z.record(z.string(), z.string()).default({}),
    /** This service's PostgreSQL image, instead of the stack-wide `postgresImage` (e.g. to upgrade one service first). */
    postgresImage: z.string().optional(),
    /** Services whose migrations must have applied before this service's migration starts. */
    after: z.array(z.string()).default([]),
});

/** Kubernetes: the stack's place on the cluster. */
export const kubernetesSchema = z.strictObject({
    /** The stack's namespace, which the program creates; default `library-<stack>`. */
    namespace: z.string().optional(),
    /** Where the CloudNativePG operator runs. */
    operatorNamespace: z.string().default("cnpg-system"),
});

/** Every key the program reads. */
export const stackConfigSchema = z.strictObject({
    /** Services by name. */
    services: z.record(z.string(), serviceConfigSchema),
    /** Where the stack runs: one Docker host, or a Kubernetes cluster. */
    target: z.enum(["docker", "kubernetes"]).default("docker"),
    /** Kubernetes only: namespace and operator. */
    kubernetes: kubernetesSchema.optional(),
    /** PostgreSQL image of every service's database; default per target (config/targetRules.ts). */
    postgresImage: z.string().optional(),
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

/** What a right value looks like, by key: the component's own, and the stack file's. */
const EXPECTED: Record<string, string> = {
    ...EXPECTED_ARGUMENTS,
    services: "a map from service name to { image, replicas, port, env }",
    image: "an image reference such as ghcr.io/acme/catalog:1.4.2",
    postgresImage: "an image reference such as postgres:17",
    flywayImage: "an image reference such as flyway/flyway:11",
    migrationsDir: "a folder path such as migrations",
    after: "a list of service names, e.g. [identity, catalog]",
    publishAddress: "an IP address of this host, such as 127.0.0.1 (this host only) or 0.0.0.0 (every interface)",
    followImageTags: "true or false",
    target: "docker or kubernetes",
    kubernetes: "a map { namespace, operatorNamespace }, e.g. { namespace: library-prod }",
    namespace: "a Kubernetes namespace name, e.g. library-prod",
    operatorNamespace: "the namespace of the CloudNativePG operator, e.g. cnpg-system",
};

/** Renders each schema issue as `<namespace>:<key path>: <what is wrong>; <what would be right>`. */
export function describeSchemaIssues(issues: readonly z.core.$ZodIssue[], namespace: string): string[] {
    const where = (path: readonly PropertyKey[]) => {
        const [top, ...rest] = path.map(String);
        return top === undefined ? `${namespace}:` : [`${namespace}:${top}`, ...rest].join(".");
    };
    const allowed = (path: readonly PropertyKey[]) =>
        path.length === 0
            ? Object.keys(stackConfigSchema.shape)
            : path.length === 1 && path[0] === "kubernetes"
              ? Object.keys(kubernetesSchema.shape)
              : path.length === 2
                ? Object.keys(serviceConfigSchema.shape)
                : nestedKeys(path[path.length - 1]);
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
        return describeArgumentIssues([issue], where, EXPECTED, allowed);
    });
}
