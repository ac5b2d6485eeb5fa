import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { APP_ROLE_CALLBACK_FILE } from "./appRole";
import { imageReferenceProblem } from "./imageReference";
import { MigrationSet, readMigrationFolder } from "./migrationFiles";
import { serviceProblems } from "./serviceRules";
import { describeSchemaIssues, ServiceConfig, stackConfigSchema } from "./stackConfig";

/**
 * Turns the stack's raw configuration into settings the program can wire, or stops the program before it registers a
 * single resource. Every problem is collected, so an operator fixes them in one round instead of one per `pulumi up`.
 */

/** One service, checked and with its migrations read. */
export interface ServiceSettings extends ServiceConfig {
    name: string;
    migrations: MigrationSet;
}

export interface StackSettings {
    /** Sorted by name, so that registration order never depends on how the YAML happened to be written. */
    services: ServiceSettings[];
    postgresImage: string;
    flywayImage: string;
}

/** Thrown with every problem found; RunError makes Pulumi print the message without a stack trace. */
export class InvalidStackConfigError extends pulumi.RunError {
    constructor(readonly problems: readonly string[]) {
        super(
            `The stack configuration has ${problems.length} problem${problems.length === 1 ? "" : "s"}; nothing was created or changed:\n` +
                problems.map((p) => `  - ${p}`).join("\n"),
        );
        this.name = "InvalidStackConfigError";
    }
}

/**
 * Checks `raw` (the `library:*` config values, keys without the namespace) and every service's migrations folder under
 * `projectDir`. Returns the settings, or throws InvalidStackConfigError naming each key or file, what is wrong and what
 * would be right.
 */
export function validateStack(raw: Record<string, unknown>, projectDir: string, namespace = "library"): StackSettings {
    const parsed = stackConfigSchema.safeParse(raw, { reportInput: true });
    if (!parsed.success) {
        throw new InvalidStackConfigError(describeSchemaIssues(parsed.error.issues, namespace));
    }
    const config = parsed.data;
    const problems: string[] = [];
    const names = Object.keys(config.services).sort();
    if (names.length === 0) {
        problems.push(`${namespace}:services: no services configured; add at least one, e.g. catalog: { image: ghcr.io/acme/catalog:1.0.0, replicas: 2 }`);
    }
    for (const [key, image] of [["postgresImage", config.postgresImage], ["flywayImage", config.flywayImage]] as const) {
        const problem = imageReferenceProblem(image);
        if (problem) problems.push(`${namespace}:${key}: ${problem}`);
    }
    const services: ServiceSettings[] = [];
    for (const name of names) {
        const service = config.services[name];
        const where = `${namespace}:services.${name}`;
        problems.push(...serviceProblems(where, name, { ...service, envKeys: Object.keys(service.env) }));
        const imageProblem = imageReferenceProblem(service.image);
        if (imageProblem) problems.push(`${where}.image: ${imageProblem}`);
        const folder = readMigrationFolder(name, path.join(projectDir, config.migrationsDir, name), [APP_ROLE_CALLBACK_FILE]);
        problems.push(...folder.problems);
        if (folder.migrations) {
            services.push({ ...service, name, migrations: folder.migrations });
        }
    }
    problems.push(...hostPortCollisions(namespace, config.services));
    if (problems.length > 0) {
        throw new InvalidStackConfigError(problems);
    }
    return { services, postgresImage: config.postgresImage, flywayImage: config.flywayImage };
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
