/**
 * Turns the stack's raw configuration into settings the program can wire, or stops the program before it registers a
 * single resource. Every problem is collected, so an operator fixes them in one round instead of one per `pulumi up`.
 * A service block is held to the component's own rules (service/arguments.ts) and to its target's.
 */
import { isIP } from "net";
import * as path from "path";
import { z } from "zod";
import type { MigrationSet } from "../flyway/migrationFiles";
import { migrationSafetyProblems } from "../flyway/migrationSafety";
import { readLockOrProblem, readServiceMigrations } from "../flyway/serviceMigrations";
import { serviceRuleProblems } from "../service/arguments";
import { orderProblems } from "../service/order";
import { count, InvalidInputError } from "../service/problems";
import { appGlobCollisions } from "../stack/migrateOnly";
import { imageReferenceProblem } from "./imageReference";
import { describeSchemaIssues, ServiceConfig, serviceConfigSchema, stackConfigSchema } from "./stackConfig";
import { DEFAULT_POSTGRES_IMAGE, postgresImageProblem, serviceTargetProblems, stackTargetProblems, Target } from "./targetRules";

/** One service, checked and with its migrations read. */
export interface ServiceSettings extends ServiceConfig {
    name: string;
    migrations: MigrationSet;
}

export interface StackSettings {
    /** Sorted by name, so that registration order never depends on how the YAML happened to be written. */
    services: ServiceSettings[];
    target: Target;
    /** The target's default when the stack file sets none. */
    postgresImage: string;
    flywayImage: string;
    publishAddress: string;
    followImageTags: boolean;
    kubernetes: { namespace: string; operatorNamespace: string };
}

/** Thrown with every problem of the stack's configuration and migrations folders. */
export class InvalidStackConfigError extends InvalidInputError {
    constructor(problems: readonly string[]) {
        super(`The stack configuration has ${count(problems.length, "problem")}; nothing was created or changed`, problems);
        this.name = "InvalidStackConfigError";
    }
}

/**
 * Checks `raw` (the `library:*` config values, keys without the namespace) of stack `stack` and every service's
 * migrations folder under `projectDir`. Returns the settings, or throws InvalidStackConfigError naming each key or
 * file, what is wrong and what would be right.
 */
export function validateStack(raw: Record<string, unknown>, projectDir: string, namespace: string, stack?: string): StackSettings {
    const problems: string[] = [];
    // Each service is parsed on its own, so one malformed service does not hide the problems of the others.
    const top = stackConfigSchema.extend({ services: z.record(z.string(), z.unknown()) }).safeParse(raw, { reportInput: true });
    if (!top.success) {
        problems.push(...describeSchemaIssues(top.error.issues, namespace));
    }
    const rawServices = top.success ? top.data.services : isRecord(raw.services) ? raw.services : {};
    const names = Object.keys(rawServices).sort();
    if (top.success && names.length === 0) {
        problems.push(
            `${namespace}:services: no services configured; add at least one, e.g. catalog: { image: ghcr.io/acme/catalog:1.0.0, ` +
                `replicas: 2 }`,
        );
    }
    const target: Target = top.success ? top.data.target : raw.target === "kubernetes" ? "kubernetes" : "docker";
    // `library-<stack>` unless the stack file names one; without a stack name (a check of the file alone), `library`.
    const kubernetesNamespace =
        (top.success ? top.data.kubernetes?.namespace : undefined) ?? (stack === undefined ? "library" : `library-${stack}`);
    problems.push(...stackTargetProblems(namespace, target, raw, kubernetesNamespace));
    const postgresImage = top.success ? (top.data.postgresImage ?? DEFAULT_POSTGRES_IMAGE[target]) : raw.postgresImage;
    for (const [key, image] of [
        ["postgresImage", postgresImage],
        ["flywayImage", top.success ? top.data.flywayImage : raw.flywayImage],
    ]) {
        const problem =
            typeof image === "string"
                ? (imageReferenceProblem(image) ?? (key === "postgresImage" ? postgresImageProblem(target, image) : undefined))
                : undefined;
        if (problem) problems.push(`${namespace}:${key}: ${problem}`);
    }
    if (top.success && isIP(top.data.publishAddress) === 0) {
        problems.push(
            `${namespace}:publishAddress: '${top.data.publishAddress}' is not an IP address; use 127.0.0.1 (this host only), 0.0.0.0 ` +
                `(every interface) or one of this host's addresses`,
        );
    }
    const migrationsDir = top.success ? top.data.migrationsDir : typeof raw.migrationsDir === "string" ? raw.migrationsDir : "migrations";
    const migrationsRoot = path.join(projectDir, migrationsDir);
    const lock = readLockOrProblem(migrationsRoot, problems);
    const parsedServices: Record<string, ServiceConfig> = {};
    const services: ServiceSettings[] = [];
    for (const name of names) {
        const where = `${namespace}:services.${name}`;
        const parsed = serviceConfigSchema.safeParse(rawServices[name], { reportInput: true });
        if (!parsed.success) {
            problems.push(
                ...describeSchemaIssues(
                    parsed.error.issues.map((i) => ({ ...i, path: ["services", name, ...i.path] })),
                    namespace,
                ),
            );
        } else {
            const service = parsed.data;
            parsedServices[name] = service;
            problems.push(...serviceRuleProblems(where, name, service));
        }
        for (const key of ["image", "postgresImage"]) {
            const image = isRecord(rawServices[name]) ? rawServices[name][key] : undefined;
            const imageProblem =
                typeof image === "string"
                    ? (imageReferenceProblem(image) ?? (key === "postgresImage" ? postgresImageProblem(target, image) : undefined))
                    : undefined;
            if (imageProblem) problems.push(`${where}.${key}: ${imageProblem}`);
        }
        // Unlocked new files are fine here (that is how a migration gets added); the tests insist on the lock.
        const folder = readServiceMigrations(migrationsRoot, name, lock, { requireLocked: false });
        problems.push(...folder.problems);
        // New migrations must keep the running release working; applied ones (in the lock) were reviewed then.
        if (folder.migrations) problems.push(...migrationSafetyProblems(name, folder.migrations, lock[name] ?? {}));
        if (parsed.success) {
            problems.push(...serviceTargetProblems(target, parsed.data, folder.migrations).map((p) => `${where}.${p.key}: ${p.message}`));
        }
        if (parsed.success && folder.migrations) {
            services.push({ ...parsed.data, name, migrations: folder.migrations });
        }
    }
    problems.push(...hostPortCollisions(namespace, parsedServices));
    // Names that failed to parse still count as services here, so 'after: [them]' is not reported as unknown.
    const after = Object.fromEntries(names.map((name) => [name, parsedServices[name]?.after ?? []]));
    problems.push(...orderProblems(namespace, after));
    problems.push(...appGlobCollisions(namespace, names));
    if (problems.length > 0 || !top.success) {
        throw new InvalidStackConfigError(problems);
    }
    const { flywayImage, publishAddress, followImageTags } = top.data;
    const operatorNamespace = top.data.kubernetes?.operatorNamespace ?? "cnpg-system";
    return {
        services,
        target,
        postgresImage: postgresImage as string,
        flywayImage,
        publishAddress,
        followImageTags,
        kubernetes: { namespace: kubernetesNamespace, operatorNamespace },
    };
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Host ports each service publishes: replica i of an app on hostPort + i - 1, and its database on databaseHostPort. */
function hostPortCollisions(namespace: string, services: Record<string, ServiceConfig>): string[] {
    const owners = new Map<number, string[]>();
    const claim = (port: number, owner: string) => owners.set(port, [...(owners.get(port) ?? []), owner]);
    for (const name of Object.keys(services).sort()) {
        const { hostPort, replicas, databaseHostPort } = services[name];
        for (let i = 0; hostPort !== undefined && i < replicas; i++) {
            claim(hostPort + i, `${namespace}:services.${name}.hostPort (replica ${i + 1})`);
        }
        if (databaseHostPort !== undefined) {
            claim(databaseHostPort, `${namespace}:services.${name}.databaseHostPort`);
        }
    }
    return [...owners.entries()]
        .filter(([, claimants]) => claimants.length > 1)
        .map(([port, claimants]) => `host port ${port} is claimed by ${claimants.join(" and ")}; give each a port of its own`);
}
