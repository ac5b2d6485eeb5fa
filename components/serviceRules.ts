import { RESERVED_APP_ENV } from "./appEnvironment";
import { ContainerLimits } from "./containerLimits";
import { cpusProblem } from "./dockerSpelling";

/**
 * Rules for one service that the shape of its config cannot express. Shared by the stack's validation and by the
 * component itself, so a program that uses ServiceWithMigrations directly is held to the same rules.
 */

/** Lower-case letters, digits and '-', starting with a letter: valid as a Docker name, a DNS alias and (with '_') a PostgreSQL name. */
const SERVICE_NAME = /^[a-z](?:[a-z0-9-]{0,28}[a-z0-9])?$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface ServiceShape {
    replicas: number;
    hostPort?: number;
    envKeys: readonly string[];
    limits?: ContainerLimits;
    databaseLimits?: ContainerLimits;
}

/** Problems with `name` and `service`, each starting with `where` (e.g. `library:services.catalog`). */
export function serviceProblems(where: string, name: string, service: ServiceShape): string[] {
    const problems: string[] = [];
    if (!SERVICE_NAME.test(name)) {
        problems.push(`${where}: '${name}' is not a valid service name; use 1 to 30 lower-case letters, digits and '-', starting with a letter, e.g. reader-lending`);
    }
    for (const key of [...service.envKeys].sort()) {
        if (!ENV_NAME.test(key)) {
            problems.push(`${where}.env.${key}: not a valid environment variable name; use letters, digits and '_', not starting with a digit`);
        } else if (RESERVED_APP_ENV.includes(key)) {
            problems.push(`${where}.env.${key}: is set by the stack (${RESERVED_APP_ENV.join(", ")}); remove it from env`);
        }
    }
    if (service.hostPort !== undefined && service.hostPort + service.replicas - 1 > 65535) {
        problems.push(`${where}.hostPort: ${service.hostPort} with ${service.replicas} replicas runs past port 65535; choose a hostPort of at most ${65536 - service.replicas}`);
    }
    for (const key of ["limits", "databaseLimits"] as const) {
        const cpus = service[key]?.cpus;
        const problem = typeof cpus === "number" ? cpusProblem(cpus) : undefined;
        if (problem) problems.push(`${where}.${key}.cpus: ${problem}`);
    }
    return problems;
}
