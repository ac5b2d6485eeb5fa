/**
 * How `pulumi up --target/--exclude` match URNs, transcribed from pulumi/pulumi pkg/resource/deploy: deployment.go
 * (NewUrnTargets, getMatcher) and deployment_executor.go (checkTargets, called by the refresh that `--refresh` runs
 * before the program).
 */

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** An argument with a '*' is a glob: `**` matches anything, `*` anything but ':'; any other argument is a literal URN. */
export function urnMatches(pattern: string, urn: string): boolean {
    if (!pattern.includes("*")) return pattern === urn;
    const regex = pattern
        .split("**")
        .map((segment) => segment.split("*").map(escape).join("[^:]*"))
        .join(".*");
    return new RegExp(`^${regex}$`).test(urn);
}

/**
 * The check a refresh makes before anything else: every literal URN must be a resource of the stack's state; globs
 * are not checked. Returns the engine's error, or undefined when the run may go on.
 */
export function refreshExcludeCheck(stateUrns: readonly string[], excludes: readonly string[]): string | undefined {
    const unknown = excludes.filter((e) => !e.includes("*") && !stateUrns.includes(e));
    return unknown.length > 0 ? `one or more targets could not be found in the stack (${unknown.length}, e.g. ${unknown[0]})` : undefined;
}
