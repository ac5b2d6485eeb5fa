/**
 * Migrate-only runs: `pulumi up` with every app container excluded, so a pipeline can migrate as its own step and
 * roll out the apps afterwards. Excluding (rather than not registering) matters: a program that left the apps out
 * would make Pulumi delete the running ones.
 */
import { SERVICE_WITH_MIGRATIONS_TYPE } from "../../service/serviceWithMigrations";

const CONTAINER_TYPE = "docker:index/container:Container";

/**
 * A glob over the URNs of every app container `service` has or could have (`<service>-app-*`). A glob and not a
 * list: `up --refresh` fails on an excluded literal URN that is not in the stack (deployment_executor.go,
 * checkTargets), and a literal per possible replica would name ~100 that never exist. `*` does not cross ':'
 * (deployment.go, getMatcher), so the glob stays inside the component's containers.
 */
export function appContainersGlob(project: string, stack: string, service: string): string {
    return `urn:pulumi:${stack}::${project}::${SERVICE_WITH_MIGRATIONS_TYPE}$${CONTAINER_TYPE}::${service}-app-*`;
}

/** `--exclude` arguments that keep a migrate-only run from creating, changing or deleting any app container. */
export function migrateOnlyArgs(project: string, stack: string, services: readonly string[]): string[] {
    return services.flatMap((service) => ["--exclude", appContainersGlob(project, stack, service)]);
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
export function migrateOnlyCommands(project: string, stack: string, services: readonly string[], upArgs: readonly string[]): string[][] {
    const stackName = stack.split("/").pop()!; // org/project/stack or plain stack
    return [
        ["stack", "select", "--create", stack],
        ["up", "--stack", stack, ...upArgs, ...migrateOnlyArgs(project, stackName, services)],
    ];
}
