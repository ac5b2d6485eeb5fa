/**
 * Migrate-only runs: `pulumi up` with every app excluded, so a pipeline can migrate as its own step and roll out the
 * apps afterwards. Excluding (rather than not registering) matters: a program that left the apps out would make Pulumi
 * delete the running ones. Each target says what its apps are (TargetDefinition.appExcludeGlob).
 */
import { DEFAULT_TARGET, TARGETS } from "../targets/registry";

/** `--exclude` arguments that keep a migrate-only run from creating, changing or deleting any app. */
export function migrateOnlyArgs(project: string, stack: string, services: readonly string[], target = DEFAULT_TARGET): string[] {
    const definition = TARGETS[target];
    return services.flatMap((service) => ["--exclude", definition.appExcludeGlob(project, stack, service)]);
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
    target = DEFAULT_TARGET,
): string[][] {
    const stackName = stack.split("/").pop()!; // org/project/stack or plain stack
    return [
        ["stack", "select", "--create", stack],
        ["up", "--stack", stack, ...upArgs, ...migrateOnlyArgs(project, stackName, services, target)],
    ];
}
