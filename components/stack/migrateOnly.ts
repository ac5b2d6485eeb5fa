/**
 * Migrate-only runs: `pulumi up` with every app excluded, so a pipeline can migrate as its own step and roll out the
 * apps afterwards. Excluding (rather than not registering) matters: a program that left the apps out would make Pulumi
 * delete the running ones. Each target says what its apps are.
 */
import type { Target } from "../config/targetRules";
import { appContainersGlob } from "../targets/docker/appExcludes";
import { appDeploymentGlob } from "../targets/kubernetes/appExcludes";

const APP_GLOB: Record<Target, (project: string, stack: string, service: string) => string> = {
    docker: appContainersGlob,
    kubernetes: appDeploymentGlob,
};

/** `--exclude` arguments that keep a migrate-only run from creating, changing or deleting any app. */
export function migrateOnlyArgs(project: string, stack: string, services: readonly string[], target: Target = "docker"): string[] {
    return services.flatMap((service) => ["--exclude", APP_GLOB[target](project, stack, service)]);
}

/** Names another service's glob would catch (`catalog` catches `catalog-app` and `catalog-app-*`), with why. */
export function appGlobCollisions(namespace: string, services: readonly string[]): string[] {
    return services.flatMap((owner) =>
        services
            .filter((other) => other === `${owner}-app` || other.startsWith(`${owner}-app-`))
            .map(
                (other) =>
                    `${namespace}:services.${other}: starts with '${owner}-app', so migrate-only would take its database and Flyway ` +
                    `containers for app containers of '${owner}' (${owner}-app-*) and skip them; choose a name that does not`,
            ),
    );
}

/**
 * The commands of a migrate-only run, each an argument list for the Pulumi CLI: select the stack, creating it on a
 * fresh backend (a non-interactive `up` would not), then `up` with every app container excluded.
 */
export function migrateOnlyCommands(
    project: string,
    stack: string,
    services: readonly string[],
    upArgs: readonly string[],
    target: Target = "docker",
): string[][] {
    const stackName = stack.split("/").pop()!; // org/project/stack or plain stack
    return [
        ["stack", "select", "--create", stack],
        ["up", "--stack", stack, ...upArgs, ...migrateOnlyArgs(project, stackName, services, target)],
    ];
}
