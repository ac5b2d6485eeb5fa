/**
 * The per-service arguments every target reads, written once: each key's type, rules, default and the wording of
 * what a right value looks like (its `expected` metadata, which messages quote). A target adds keys of its own
 * (ServiceTarget.serviceKeys); the component's argument type and the stack file's service block are both derived from
 * these schemas, so a key is added in one place. Rules that need more than one value are below the schemas.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { reservedEnvProblem } from "./appEnvironment";
import { SERVICE_NAME } from "./names";

export const MAX_REPLICAS = 100;

/** A TCP port. */
export const portSchema = () => z.int().min(1).max(65535).meta({ expected: "a whole number from 1 to 65535" });

const limitsShape = {
    memoryMb: z.int().min(6).max(1_048_576).optional().meta({ expected: "a whole number of megabytes from 6 to 1048576" }),
    cpus: z.number().min(0.01).max(1024).optional().meta({ expected: "a number of CPUs from 0.01 to 1024, e.g. 1.5" }),
};

/** Resource limits of a container or pod: memory in MB, CPUs as a share of a host's (1.5 = one and a half CPUs). */
export const limitsSchema = z.strictObject(limitsShape).meta({ expected: "a map { memoryMb, cpus }, e.g. { memoryMb: 512, cpus: 1.5 }" });
export type ContainerLimits = z.infer<typeof limitsSchema>;

/** Where the platform asks whether an app is alive and ready (Spring Boot's actuator health groups by default). */
export const healthShape = {
    /** @default "/actuator/health/liveness" */
    livenessPath: z.string().regex(/^\//).default("/actuator/health/liveness").meta({
        expected: "an HTTP path starting with /, e.g. /actuator/health/liveness",
    }),
    /** @default "/actuator/health/readiness" */
    readinessPath: z.string().regex(/^\//).default("/actuator/health/readiness").meta({
        expected: "an HTTP path starting with /, e.g. /actuator/health/readiness",
    }),
    /** How long an app may take to start before failing checks count against it. @default 300 */
    startupSeconds: z.int().min(10).max(3600).default(300).meta({ expected: "a whole number of seconds from 10 to 3600" }),
};
export const healthSchema = z
    .strictObject(healthShape)
    .meta({ expected: "a map { livenessPath, readinessPath, startupSeconds }, e.g. { livenessPath: /health, readinessPath: /health }" });
export type HealthChecks = z.infer<typeof healthSchema>;

/**
 * The keys every target reads, in three groups so that a service block lists the keys people set most first
 * (`image, replicas, port, env`, then its target's, then the rest).
 */
export const firstArgumentsShape = {
    /** App instances; 0 keeps the database and its migrations without apps. @default 1 */
    replicas: z
        .int()
        .min(0)
        .max(MAX_REPLICAS)
        .default(1)
        .meta({ expected: `a whole number from 0 to ${MAX_REPLICAS}` }),
    /** Port the app listens on (Spring's SERVER_PORT). @default 8080 */
    port: portSchema().default(8080),
    /** Extra environment of the apps (the datasource and SPRING_FLYWAY_ENABLED=false are set for you). @default {} */
    env: z.record(z.string(), z.custom<pulumi.Input<string>>()).default({}).meta({ expected: "a map from variable name to text" }),
};
export const restArgumentsShape = {
    /** Limits of each app instance. @default none */
    limits: limitsSchema.optional(),
    /** Limits of the database. @default none */
    databaseLimits: limitsSchema.meta({ expected: "a map { memoryMb, cpus }, e.g. { memoryMb: 1024, cpus: 2 }" }).optional(),
    /** How the platform asks the apps whether they are alive and ready. @default Spring Boot's actuator groups */
    health: healthSchema.prefault({}),
    /**
     * How long a migration statement may wait for a lock, in seconds, before it fails (PostgreSQL's lock_timeout, set
     * for every migration session): a statement queued behind a long transaction would otherwise block every reader
     * and writer of its table while it waits. @default 10
     */
    migrationLockTimeoutSeconds: z.int().min(1).max(600).default(10).meta({ expected: "a whole number of seconds from 1 to 600" }),
    /** How long the migration may run, in seconds. @default 900 */
    migrationTimeoutSeconds: z.int().min(30).max(86_400).default(900).meta({ expected: "a whole number of seconds from 30 to 86400" }),
};

/** A target's own per-service keys: a zod shape, merged over the shared one (a nested map such as `health` may gain keys). */
export type TargetKeys = z.core.$ZodLooseShape;

/**
 * The schema of a service's arguments on a target with `keys`: the shared keys and the target's, listed right after
 * the ones people set most; a target's key wins over a shared one of the same name (a nested map such as `health`
 * gains keys).
 */
export function serviceArgumentsSchema(keys: TargetKeys) {
    return z.object({ ...firstArgumentsShape, ...keys, ...restArgumentsShape, ...keys });
}

/** The shared keys alone: what every target's arguments have. */
export const sharedArgumentsSchema = z.object({ ...firstArgumentsShape, ...restArgumentsShape });

/** The plain arguments as the component works with them: validated, defaults applied; the shared ones and the target's. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export type ServiceArguments<Keys extends TargetKeys = {}> = z.output<typeof sharedArgumentsSchema> &
    TargetPart<z.output<z.ZodObject<Keys>>, Keys>;
/** The plain arguments as a caller writes them: defaulted keys optional. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export type ServiceArgumentsInput<Keys extends TargetKeys = {}> = z.input<typeof sharedArgumentsSchema> &
    TargetPart<z.input<z.ZodObject<Keys>>, Keys>;
/** A target's part of the arguments; nothing for a target without keys of its own. */
type TargetPart<Part, Keys> = keyof Keys extends never ? unknown : Part;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Rules that take more than one value, or a value the schema cannot judge: the service's name and env names. Each
 * problem starts with `where`.
 */
export function serviceRuleProblems(where: string, name: string, service: { env: object }): string[] {
    const problems: string[] = [];
    if (!SERVICE_NAME.test(name)) {
        problems.push(
            `${where}: '${name}' is not a valid service name; use 1 to 30 lower-case letters, digits and '-', starting with a letter, ` +
                `e.g. reader-lending`,
        );
    }
    for (const [key, value] of Object.entries(service.env).sort(([a], [b]) => (a < b ? -1 : 1))) {
        // A name that would reach the stack's own settings is said so first, whatever else is wrong with it.
        const reservedProblem = reservedEnvProblem(key, value);
        if (reservedProblem) {
            problems.push(`${where}.env.${key}: ${reservedProblem}`);
        } else if (!ENV_NAME.test(key)) {
            problems.push(
                `${where}.env.${key}: not a valid environment variable name; use letters, digits and '_', not starting with a digit`,
            );
        }
    }
    return problems;
}
