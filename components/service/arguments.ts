/**
 * What ServiceWithMigrations takes, and the one set of rules for a service's plain arguments. The component checks
 * its own arguments with them; the stack configuration checks every service block with them too (its schema extends
 * this one with keys of its own). Messages are curated and say what would be right; the caller says where
 * (`ServiceWithMigrations 'orders'`, or `library:services.catalog`).
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { MigrationSet } from "../flyway/migrationFiles";
import { RESERVED_APP_ENV } from "./appEnvironment";
import { SERVICE_NAME } from "./names";
import { describeIssues } from "./problems";
import type { ServiceWithMigrations } from "./serviceWithMigrations";
import type { ServiceTarget } from "./target";

export const MAX_REPLICAS = 100;
const PORT = z.int().min(1).max(65535);
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Resource limits of a container or pod: memory in MB, CPUs as a share of a host's (1.5 = one and a half CPUs). */
export const limitsSchema = z.strictObject({
    memoryMb: z.int().min(6).max(1_048_576).optional(),
    cpus: z.number().min(0.01).max(1024).optional(),
});
export type ContainerLimits = z.infer<typeof limitsSchema>;

/**
 * How the platform asks whether an app is alive and ready: HTTP paths (Spring Boot's actuator health groups by
 * default), how long a start may take, and on Docker the healthcheck command.
 */
export const healthSchema = z.strictObject({
    livenessPath: z.string().regex(/^\//).default("/actuator/health/liveness"),
    readinessPath: z.string().regex(/^\//).default("/actuator/health/readiness"),
    /** How long an app may take to start before failing checks count against it (Docker and Kubernetes). */
    startupSeconds: z.int().min(10).max(3600).default(300),
    /** Docker: the healthcheck command run in the app container; default an HTTP GET of readinessPath with wget. */
    command: z.array(z.string().min(1)).min(1).optional(),
});
export type HealthChecks = z.infer<typeof healthSchema>;

/** Kubernetes: the service's database (see targets/kubernetes/database.ts). */
export const databaseSchema = z.strictObject({
    /** `cloudnative-pg`: a CloudNativePG Cluster of the stack's own; `external`: a database given by a Secret. */
    mode: z.enum(["cloudnative-pg", "external"]).default("cloudnative-pg"),
    /** CloudNativePG: PostgreSQL instances, one primary and the rest streaming replicas. */
    instances: z.int().min(1).max(9).default(1),
    /** CloudNativePG: the size of each instance's volume, as a Kubernetes quantity. */
    storage: z
        .string()
        .regex(/^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/)
        .default("1Gi"),
    /** CloudNativePG: the StorageClass of the volumes; the cluster's default when unset. */
    storageClass: z.string().optional(),
    /** External: the Secret with `host`, `port`, `dbname`, `username` and `password` of the database's owner. */
    secret: z.string().optional(),
});
export type DatabaseOptions = z.infer<typeof databaseSchema>;

/** The plain arguments: the ones that decide how many resources exist and how they are set up. */
export const serviceArgumentsSchema = z.object({
    /** App instances; 0 keeps the database and its migrations without apps. */
    replicas: z.int().min(0).max(MAX_REPLICAS).default(1),
    /** Port the app listens on (Spring's SERVER_PORT). */
    port: PORT.default(8080),
    /** Extra environment of the apps. */
    env: z.record(z.string(), z.unknown()).default({}),
    /** Docker: publish replica i on host port hostPort + i - 1. */
    hostPort: PORT.optional(),
    /** Docker: publish the database's 5432 on this host port. */
    databaseHostPort: PORT.optional(),
    /** Limits of each app instance. */
    limits: limitsSchema.optional(),
    /** Limits of the database. */
    databaseLimits: limitsSchema.optional(),
    /** Where the platform asks the apps whether they are alive and ready. */
    health: healthSchema.prefault({}),
    /** Kubernetes: the database (CloudNativePG or external). */
    database: databaseSchema.optional(),
    /** How long the migration may run, in seconds: the Job's deadline on Kubernetes, the Flyway container's on Docker. */
    migrationTimeoutSeconds: z.int().min(30).max(86_400).default(900),
    /** Docker: replace app containers one at a time, each once the previous one is healthy (default), or all at once. */
    rollout: z.enum(["rolling", "parallel"]).optional(),
    /** Docker: a pg_dump before every migration run, keeping the last `keep` dumps; it may take `timeoutSeconds`. */
    backup: z
        .strictObject({ keep: z.int().min(1).max(1000).default(10), timeoutSeconds: z.int().min(30).max(86_400).default(3600) })
        .optional(),
});
export type ServiceArguments = z.infer<typeof serviceArgumentsSchema>;

/** What a right value looks like, by key, for messages. */
export const EXPECTED_ARGUMENTS: Record<string, string> = {
    replicas: `a whole number from 0 to ${MAX_REPLICAS}`,
    port: "a whole number from 1 to 65535",
    hostPort: "a whole number from 1 to 65535",
    databaseHostPort: "a whole number from 1 to 65535",
    env: "a map from variable name to text",
    limits: "a map { memoryMb, cpus }, e.g. { memoryMb: 512, cpus: 1.5 }",
    databaseLimits: "a map { memoryMb, cpus }, e.g. { memoryMb: 1024, cpus: 2 }",
    memoryMb: "a whole number of megabytes from 6 to 1048576",
    cpus: "a number of CPUs from 0.01 to 1024, e.g. 1.5",
    health: "a map { livenessPath, readinessPath, startupSeconds, command }, e.g. { livenessPath: /health, readinessPath: /health }",
    livenessPath: "an HTTP path starting with /, e.g. /actuator/health/liveness",
    readinessPath: "an HTTP path starting with /, e.g. /actuator/health/readiness",
    database: "a map { mode, instances, storage, storageClass, secret }, e.g. { instances: 3, storage: 10Gi }",
    mode: "cloudnative-pg or external",
    instances: "a whole number of PostgreSQL instances from 1 to 9",
    storage: "a Kubernetes quantity such as 10Gi",
    storageClass: "the name of a StorageClass",
    secret: "the name of a Secret in the stack's namespace",
    migrationTimeoutSeconds: "a whole number of seconds from 30 to 86400",
    startupSeconds: "a whole number of seconds from 10 to 3600",
    command: "a healthcheck command as Docker takes it, e.g. [CMD, wget, -q, -O, /dev/null, http://127.0.0.1:8080/health]",
    rollout: "rolling or parallel",
    backup: "a map { keep, timeoutSeconds }, e.g. { keep: 10 }",
    keep: "a whole number of dumps to keep, from 1 to 1000",
    timeoutSeconds: "a whole number of seconds from 30 to 86400",
};

/** Arguments of one service: where it runs, its images, its migrations, and how many app instances. */
export interface ServiceWithMigrationsArgs {
    /** Where the service runs, e.g. a DockerTarget (one Docker host). */
    target: ServiceTarget;
    /** Image of the apps; on Docker, a RemoteImages `imageId` keeps previews free of spurious diffs. */
    appImage: pulumi.Input<string>;
    /** PostgreSQL image of the service's database. */
    postgresImage: pulumi.Input<string>;
    /** Flyway image of the one-shot migration. */
    flywayImage: pulumi.Input<string>;
    /** The service's migrations: a folder path, or a set already read with readMigrationFolder. */
    migrations: string | MigrationSet;
    /** App instances; 0 keeps the database and migrations without apps. Default 1. */
    replicas?: number;
    /** Port the app listens on. Default 8080. */
    port?: number;
    /** Extra environment of the apps (the datasource and SPRING_FLYWAY_ENABLED=false are set for you). */
    env?: Record<string, pulumi.Input<string>>;
    /** Docker only: publish replica i on host port hostPort + i - 1. Default: not published. */
    hostPort?: number;
    /** Docker only: publish the database on this host port. Default: not published. */
    databaseHostPort?: number;
    /** Services whose migrations must have applied before this one's starts; if one did not, this one does not run. */
    after?: ServiceWithMigrations[];
    /** Limits of each app instance. Default: none. */
    limits?: ContainerLimits;
    /** Limits of the database. Default: none. */
    databaseLimits?: ContainerLimits;
    /** How the platform asks the apps whether they are alive and ready. Default: Spring Boot's actuator groups. */
    health?: Partial<HealthChecks>;
    /** Kubernetes only: the database. Default: a CloudNativePG Cluster with one instance and 1Gi. */
    database?: Partial<DatabaseOptions>;
    /** How long the migration may run, in seconds (the Job on Kubernetes, the Flyway container on Docker). Default 900. */
    migrationTimeoutSeconds?: number;
    /** Docker only: `rolling` (default) replaces app containers one at a time, each once the previous is healthy. */
    rollout?: "rolling" | "parallel";
    /** Docker only: a pg_dump before every migration run into a volume kept on delete; the last `keep` (10) are kept. */
    backup?: { keep?: number; timeoutSeconds?: number };
}

/** The keys an object at the end of `key` takes: a service's arguments, or one of their nested maps. */
export function nestedKeys(key: PropertyKey | undefined): string[] {
    const nested: Record<string, object> = {
        limits: limitsSchema.shape,
        databaseLimits: limitsSchema.shape,
        health: healthSchema.shape,
        database: databaseSchema.shape,
        backup: { keep: true, timeoutSeconds: true },
    };
    return Object.keys(nested[String(key)] ?? serviceArgumentsSchema.shape);
}

/** Renders issues of serviceArgumentsSchema, or of a schema extending it, at `where(path)`. */
export function describeArgumentIssues(
    issues: readonly z.core.$ZodIssue[],
    where: (path: readonly PropertyKey[]) => string,
    expected: Record<string, string> = EXPECTED_ARGUMENTS,
    allowedKeys: (path: readonly PropertyKey[]) => string[] = (path) => nestedKeys(path[path.length - 1]),
): string[] {
    return describeIssues(issues, where, expected, allowedKeys);
}

/**
 * Rules that take more than one value, or a value the schema cannot judge: the service's name, env names, host ports
 * running past 65535. Each problem starts with `where`.
 */
export function serviceRuleProblems(
    where: string,
    name: string,
    service: Pick<ServiceArguments, "replicas" | "hostPort"> & { env: object },
): string[] {
    const problems: string[] = [];
    if (!SERVICE_NAME.test(name)) {
        problems.push(
            `${where}: '${name}' is not a valid service name; use 1 to 30 lower-case letters, digits and '-', starting with a letter, ` +
                `e.g. reader-lending`,
        );
    }
    for (const key of Object.keys(service.env).sort()) {
        if (!ENV_NAME.test(key)) {
            problems.push(
                `${where}.env.${key}: not a valid environment variable name; use letters, digits and '_', not starting with a digit`,
            );
        } else if (RESERVED_APP_ENV.includes(key)) {
            problems.push(`${where}.env.${key}: is set by the stack (${RESERVED_APP_ENV.join(", ")}); remove it from env`);
        }
    }
    if (service.hostPort !== undefined && service.hostPort + service.replicas - 1 > 65535) {
        problems.push(
            `${where}.hostPort: ${service.hostPort} with ${service.replicas} replicas runs past port 65535; choose a hostPort of at most ` +
                `${65536 - service.replicas}`,
        );
    }
    return problems;
}

/** Every problem with the component's plain arguments, under `where`; the parsed arguments when there is none. */
export function checkServiceArguments(
    where: string,
    name: string,
    args: ServiceWithMigrationsArgs,
    migrations: MigrationSet | undefined,
): { problems: string[]; parsed?: ServiceArguments } {
    // The plain arguments only: the schema is not strict, so images, migrations, `after` and the target pass by.
    const parsed = serviceArgumentsSchema.safeParse(args, { reportInput: true });
    const at = (path: readonly PropertyKey[]) => [where, ...path.map(String)].join(".");
    if (!parsed.success) {
        return {
            problems: [...describeArgumentIssues(parsed.error.issues, at), ...serviceRuleProblems(where, name, { replicas: 1, env: {} })],
        };
    }
    const problems = [
        ...serviceRuleProblems(where, name, parsed.data),
        ...(migrations ? args.target.argumentProblems(parsed.data, migrations) : []).map((p) => `${at(p.key.split("."))}: ${p.message}`),
    ];
    return problems.length > 0 ? { problems } : { problems, parsed: parsed.data };
}
