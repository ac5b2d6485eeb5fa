/**
 * Turns the stack's raw configuration into settings the program can wire, or stops the program before it registers a
 * single resource. Every problem is collected, so an operator fixes them in one round instead of one per `pulumi up`.
 * A service block is held to the component's own rules (service/arguments.ts) and to its target's; what depends on
 * the target comes from its definition (targets/registry.ts).
 */
import * as path from "path";
import { z } from "zod";
import type { MigrationSet } from "../flyway/migrationFiles";
import { DEFAULT_POSTGRES_MAJOR, migrationSafetyProblems } from "../flyway/migrationSafety";
import { readLockOrProblem, readServiceMigrations } from "../flyway/serviceMigrations";
import { ServiceArguments, serviceRuleProblems } from "../service/arguments";
import { imageReferenceProblem, postgresMajor } from "../service/imageReference";
import { orderProblems } from "../service/order";
import { ImageKind, unprovenMajorProblem } from "../service/provenImages";
import { count, InvalidInputError } from "../service/problems";
import type { TargetDefinition } from "../targets/definition";
import { DEFAULT_TARGET, TARGETS, TargetRegistry } from "../targets/registry";
import { appGlobCollisions, platformNameCollisions } from "./nameCollisions";
import { describeSchemaIssues, ServiceConfig, serviceConfigSchema, stackSchema } from "./stackConfig";
import { foreignServiceKeys, foreignStackKeys } from "./targetKeys";

/** One service, checked and with its migrations read. */
export interface ServiceSettings extends ServiceConfig {
    name: string;
    migrations: MigrationSet;
}

export interface StackSettings {
    /** Sorted by name, so that registration order never depends on how the YAML happened to be written. */
    services: ServiceSettings[];
    /** The target's name (a key of the registry). */
    target: string;
    /** The target's definition. */
    definition: TargetDefinition;
    /** The target's own stack settings (TargetDefinition.stackSettings). */
    platform: unknown;
    /** The target's default when the stack file sets none. */
    postgresImage: string;
    flywayImage: string;
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
export function validateStack(
    raw: Record<string, unknown>,
    projectDir: string,
    namespace: string,
    stack?: string,
    targets: TargetRegistry = TARGETS,
): StackSettings {
    const problems: string[] = [];
    const targetName = typeof raw.target === "string" && raw.target in targets ? raw.target : DEFAULT_TARGET;
    const definition = targets[targetName];
    const stackWide = foreignStackKeys(raw, definition, targets, namespace);
    problems.push(...stackWide.problems);
    // Each service is parsed on its own, so one malformed service does not hide the problems of the others.
    const schema = stackSchema(targets, definition);
    const top = schema.extend({ services: z.record(z.string(), z.unknown()) }).safeParse(stackWide.rest, { reportInput: true });
    if (!top.success) {
        problems.push(...describeSchemaIssues(top.error.issues, namespace, schema));
    }
    const rawServices = top.success ? top.data.services : isRecord(raw.services) ? raw.services : {};
    const names = Object.keys(rawServices).sort();
    if (top.success && names.length === 0) {
        problems.push(
            `${namespace}:services: no services configured; add at least one, e.g. catalog: { image: ghcr.io/acme/catalog:1.0.0, ` +
                `replicas: 2 }`,
        );
    }
    const targetKeys = top.success ? pick(top.data, Object.keys(definition.stackKeys)) : undefined;
    const platform = targetKeys ? definition.stackSettings(targetKeys, stack) : undefined;
    problems.push(...(platform?.problems ?? []).map((p) => `${namespace}:${p.key}: ${p.message}`));
    const postgresImage = top.success ? (top.data.postgresImage ?? definition.defaultPostgresImage) : raw.postgresImage;
    const accepted = top.success ? top.data.acceptImageMajors : { postgres: [], flyway: [] };
    const imageProblems = (where: string, image: unknown, kind?: ImageKind) => referenceProblems(definition, where, image, accepted, kind);
    problems.push(...imageProblems(`${namespace}:postgresImage`, postgresImage, "postgres"));
    problems.push(...imageProblems(`${namespace}:flywayImage`, top.success ? top.data.flywayImage : raw.flywayImage, "flyway"));
    const migrationsDir = top.success ? top.data.migrationsDir : typeof raw.migrationsDir === "string" ? raw.migrationsDir : "migrations";
    const migrationsRoot = path.join(projectDir, migrationsDir);
    const lock = readLockOrProblem(migrationsRoot, problems);
    const serviceSchema = serviceConfigSchema(definition);
    const parsedServices: Record<string, ServiceConfig> = {};
    const services: ServiceSettings[] = [];
    for (const name of names) {
        const where = `${namespace}:services.${name}`;
        const block = isRecord(rawServices[name]) ? foreignServiceKeys(rawServices[name], definition, targets, where) : undefined;
        problems.push(...(block?.problems ?? []));
        const parsed = serviceSchema.safeParse(block ? block.rest : rawServices[name], { reportInput: true });
        if (!parsed.success) {
            problems.push(
                ...describeSchemaIssues(
                    parsed.error.issues.map((i) => ({ ...i, path: ["services", name, ...i.path] })),
                    namespace,
                    schema,
                ),
            );
        } else {
            parsedServices[name] = parsed.data;
            problems.push(...serviceRuleProblems(where, name, parsed.data));
        }
        const images = isRecord(rawServices[name]) ? rawServices[name] : {};
        problems.push(...imageProblems(`${where}.image`, images.image));
        problems.push(...imageProblems(`${where}.postgresImage`, images.postgresImage, "postgres"));
        // Unlocked new files are fine here (that is how a migration gets added); the tests insist on the lock.
        const folder = readServiceMigrations(migrationsRoot, name, lock, { requireLocked: false });
        problems.push(...folder.problems);
        // New migrations must keep the running release working; applied ones (in the lock) were reviewed then.
        // ... at the PostgreSQL major the service's database runs.
        const serviceImage = typeof images.postgresImage === "string" ? images.postgresImage : postgresImage;
        const major = (typeof serviceImage === "string" ? postgresMajor(serviceImage) : undefined) ?? DEFAULT_POSTGRES_MAJOR;
        if (folder.migrations) problems.push(...migrationSafetyProblems(name, folder.migrations, lock[name] ?? {}, major));
        if (parsed.success && folder.migrations) {
            const targetProblems = definition.argumentProblems(parsed.data as ServiceArguments, folder.migrations);
            problems.push(...targetProblems.map((p) => `${where}.${p.key}: ${p.message}`));
            services.push({ ...parsed.data, name, migrations: folder.migrations });
        }
    }
    const parsedList = Object.entries(parsedServices).map(([name, args]) => ({ name, args: args as ServiceArguments }));
    problems.push(...(definition.serviceSetProblems?.(parsedList, (name) => `${namespace}:services.${name}`) ?? []));
    problems.push(...platformNameCollisions(namespace, definition, parsedList, stack));
    // Names that failed to parse still count as services here, so 'after: [them]' is not reported as unknown.
    const after = Object.fromEntries(names.map((name) => [name, parsedServices[name]?.after ?? []]));
    problems.push(...orderProblems(namespace, after));
    problems.push(...appGlobCollisions(namespace, names));
    if (problems.length > 0 || !top.success || !platform) {
        throw new InvalidStackConfigError(problems);
    }
    return {
        services,
        target: targetName,
        definition,
        platform: platform.settings,
        postgresImage: postgresImage as string,
        flywayImage: top.data.flywayImage,
    };
}

/**
 * What is wrong with an image reference given at `where`: its syntax, and for a database or Flyway image whether the
 * target can run it and whether it is a major the checks prove (or the stack accepts).
 */
function referenceProblems(
    definition: TargetDefinition,
    where: string,
    image: unknown,
    accepted: Record<ImageKind, number[]>,
    kind?: ImageKind,
): string[] {
    if (typeof image !== "string") return [];
    const problem =
        imageReferenceProblem(image) ??
        (kind === "postgres" ? definition.postgresImageProblem(image) : undefined) ??
        (kind ? unprovenMajorProblem(kind, image, accepted[kind]) : undefined);
    return problem ? [`${where}: ${problem}`] : [];
}

function pick(values: Record<string, unknown>, keys: string[]): Record<string, unknown> {
    return Object.fromEntries(keys.map((key) => [key, values[key]]));
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}
