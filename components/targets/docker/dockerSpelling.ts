/**
 * Inputs written exactly as the Docker provider reads them back.
 *
 * After a create (and on every refresh) the provider reads the container back and the next preview diffs our inputs
 * against what it read. An input spelled differently from the provider's own spelling therefore shows as a change
 * on every preview, and for inputs that force a replacement (`cpus`), replaces the container on every `pulumi up`.
 */
import * as pulumi from "@pulumi/pulumi";

const NANO = 1e9;

/** docker/cli opts.ParseCPUs: a decimal count of CPUs as whole nano-CPUs, or undefined when finer than 1e-9. */
export function nanoCpus(cpus: number): number | undefined {
    const nano = Math.round(cpus * NANO);
    return Math.abs(nano - cpus * NANO) < 1e-3 ? nano : undefined;
}

/**
 * The provider's `nanoInt64ToDecimalString` (terraform-provider-docker v4.5.0, internal/provider/helpers.go),
 * transcribed: format with nine decimals; when the text holds exactly nine '0' characters in all, round to one
 * decimal instead; otherwise trim trailing zeros. Hence 1 → "1.0", 0.5 → "0.5", 10 → "10." and 0.01 → "0.0".
 */
export function nanoCpusToDecimal(nano: number): string {
    if (nano === 0) return "0";
    const nine = `${Math.floor(nano / NANO)}.${String(nano % NANO).padStart(9, "0")}`;
    if ((nine.match(/0/g) ?? []).length === 9) {
        const tenths = Math.floor(nano / 1e8) + (nano % 1e8 >= 5e7 ? 1 : 0); // Go rounds halves away from zero
        return `${Math.floor(tenths / 10)}.${tenths % 10}`;
    }
    return nine.replace(/0+$/, "");
}

/** `cpus` as the provider will read it back; call only with values cpusProblem accepts. */
export function dockerCpus(cpus: number): string {
    return nanoCpusToDecimal(nanoCpus(cpus)!);
}

/** Why `cpus` cannot be given to the Docker provider without a replacement on every update, or undefined. */
export function cpusProblem(cpus: number): string | undefined {
    const nano = nanoCpus(cpus);
    if (nano === undefined) {
        return `${cpus} has more than 9 decimals; Docker counts CPUs in billionths`;
    }
    const spelled = nanoCpusToDecimal(nano);
    if (Number(spelled) * NANO !== nano) {
        return (
            `the Docker provider reads ${cpus} back as "${spelled}", so every update would replace the container; ` +
            `use a value it keeps, such as ${Math.max(0.1, Math.round(cpus * 10) / 10)}`
        );
    }
    return undefined;
}

/**
 * A duration in seconds as Go's time.Duration.String() prints it ("1m0s", not "60s"): the provider reads
 * healthcheck durations back that way (resource_docker_container_funcs.go).
 */
export function goDuration(seconds: number): string {
    if (!Number.isInteger(seconds) || seconds < 0) {
        throw new Error(`goDuration takes whole seconds, got ${seconds}`);
    }
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    const s = seconds % 60;
    return h > 0 ? `${h}h${m}m${s}s` : m > 0 ? `${m}m${s}s` : `${s}s`;
}

/**
 * An environment as Docker's `KEY=value` list, sorted by key: the provider treats `envs` as a set, and a stable order
 * keeps the registered input the same on every run.
 */
export function dockerEnvs(environment: Record<string, pulumi.Input<string>>): pulumi.Output<string>[] {
    return Object.keys(environment)
        .sort()
        .map((key) => pulumi.interpolate`${key}=${environment[key]}`);
}

/**
 * Resource options every container gets. A create that fails once the container exists (a host port already taken, a
 * healthcheck that never passes) leaves it in the state with init errors, and the next update would only run the
 * provider's no-op update on it (pulumi/pulumi step_generator.go); "#initerror" in replaceOnChanges makes that next
 * update replace it instead (applyReplaceOnChanges).
 */
export const REPLACE_WHEN_NOT_INITIALIZED = { replaceOnChanges: ["#initerror"] };

/**
 * Inputs of a one-shot container (Flyway, the backup): `attach` makes the create wait for the exit and read the exit
 * code, `logs` keeps the output for an error message, `mustRun: false` keeps a refresh or a later update from starting
 * the exited container again. Not `rm`: with attach the daemon would remove the container before the provider reads
 * its exit code (resource_docker_container_funcs.go).
 */
export const ONE_SHOT = { attach: true, logs: true, mustRun: false } as const;

/**
 * Resource options of a one-shot container: its fixed name is freed before its replacement is created, a failed
 * create is replaced on the next update, and it may run `timeoutSeconds` instead of the provider's 20-minute create
 * timeout (resource_docker_container.go, Timeouts), past which a run still going would be reported as a container
 * that could not be created.
 */
export function oneShotOptions(
    parent: pulumi.Resource,
    dependsOn: pulumi.Input<pulumi.Input<pulumi.Resource>[]>,
    timeoutSeconds: number,
): pulumi.CustomResourceOptions {
    return {
        parent,
        dependsOn,
        deleteBeforeReplace: true,
        ...REPLACE_WHEN_NOT_INITIALIZED,
        customTimeouts: { create: `${timeoutSeconds}s` },
    };
}
