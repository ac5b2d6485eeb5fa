/**
 * A deploy in phases, for pipelines that want a step between them: `pulumi up` with what belongs to the other phases
 * excluded, or with only the contract phase targeted. Excluding (rather than not registering) matters: a program that
 * left the apps out would make Pulumi delete the running ones. Each target says what its apps and its contract phase
 * are (TargetDefinition.appExcludeGlob, contractGlobs).
 *
 * - `expand` (migrate-only): the databases, backups and the expand migrations; no app and no contract run changes.
 * - `rollout`: everything but the contract phase: the expand migrations (when not run yet) and the apps' rollout.
 * - `contract`: the contract phase alone, once the stack is otherwise as configured (see tools/migrate.ts).
 */
import { DEFAULT_TARGET, TARGETS } from "../targets/registry";

export const PHASES = ["expand", "rollout", "contract"] as const;
export type DeployPhase = (typeof PHASES)[number];

/** Flags of `pulumi up` that `pulumi preview` refuses, all of them without a value. */
const UP_ONLY_FLAGS = ["--yes", "-y", "--skip-preview", "-f", "--continue-on-error"];

/** The contract phases of every service, as globs over their URNs. */
export function contractGlobs(project: string, stack: string, services: readonly string[], target = DEFAULT_TARGET): string[] {
    return services.flatMap((service) => TARGETS[target].contractGlobs(project, stack, service));
}

/** `pulumi up` arguments that keep a run to `phase`. */
export function phaseArgs(
    phase: DeployPhase,
    project: string,
    stack: string,
    services: readonly string[],
    target = DEFAULT_TARGET,
): string[] {
    const contract = contractGlobs(project, stack, services, target);
    switch (phase) {
        case "expand":
            return [
                ...services.flatMap((service) => ["--exclude", TARGETS[target].appExcludeGlob(project, stack, service)]),
                ...contract.flatMap((glob) => ["--exclude", glob]),
            ];
        case "rollout":
            return contract.flatMap((glob) => ["--exclude", glob]);
        case "contract":
            return contract.flatMap((glob) => ["--target", glob]);
    }
}

/** `--exclude` arguments that keep a migrate-only run from creating, changing or deleting any app or contract run. */
export function migrateOnlyArgs(project: string, stack: string, services: readonly string[], target = DEFAULT_TARGET): string[] {
    return phaseArgs("expand", project, stack, services, target);
}

/**
 * The commands of a run of `phase`, each an argument list for the Pulumi CLI: select the stack, creating it on a fresh
 * backend (a non-interactive `up` would not); for the contract phase, a preview that must find nothing else to change
 * (the contract phase may drop what the previous release used, so it runs only once the new release is everywhere);
 * then `up`, kept to the phase.
 */
export function phaseCommands(
    phase: DeployPhase,
    project: string,
    stack: string,
    services: readonly string[],
    upArgs: readonly string[],
    target = DEFAULT_TARGET,
): string[][] {
    const stackName = stack.split("/").pop()!; // org/project/stack or plain stack
    const rest = contractGlobs(project, stackName, services, target).flatMap((glob) => ["--exclude", glob]);
    // The preview sees the configuration the `up` will (`--config-file`, `-c`, `--refresh`, …): the user's flags, but
    // those only `up` takes.
    const previewArgs = upArgs.filter((arg) => !UP_ONLY_FLAGS.includes(arg));
    return [
        ["stack", "select", "--create", stack],
        ...(phase === "contract" ? [["preview", "--stack", stack, "--expect-no-changes", ...previewArgs, ...rest]] : []),
        ["up", "--stack", stack, ...upArgs, ...phaseArgs(phase, project, stackName, services, target)],
    ];
}

/** The commands of a migrate-only run (the expand phase). */
export function migrateOnlyCommands(
    project: string,
    stack: string,
    services: readonly string[],
    upArgs: readonly string[],
    target = DEFAULT_TARGET,
): string[][] {
    return phaseCommands("expand", project, stack, services, upArgs, target);
}
