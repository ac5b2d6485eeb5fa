import * as pulumi from "@pulumi/pulumi";
import { logTail, summarizeFlywayLog } from "./flywayLog";

/**
 * Gating on a one-shot Flyway container's *success*, not on its creation.
 *
 * The Docker provider finishes creating an attached container when it exits, whatever its exit code; it only records
 * the code. So dependants wait on an Output that resolves once the exit code is known to be 0, and rejects otherwise.
 * It goes into `dependsOn`, not into any input: during preview the exit code is unknown, Pulumi then falls back to
 * the Output's own resources (the Flyway container), and the dependants show as plain creates instead of
 * unknown-input diffs.
 */

export type MigrationOutcome =
    | { service: string; status: "applied"; summary: string }
    | { service: string; status: "failed"; exitCode: number; log: string }
    /** Not run, because services it waits for (`after`) did not apply. */
    | { service: string; status: "blocked"; blockedBy: Upstream[] };

/** An upstream service that did not apply, and why. */
export interface Upstream {
    service: string;
    reason: string;
}

/** The upstreams among `outcomes` that did not apply, with why, for a service that waits for them. */
export function notApplied(outcomes: readonly MigrationOutcome[]): Upstream[] {
    return outcomes
        .filter((o) => o.status !== "applied")
        .map((o) => ({
            service: o.service,
            reason: o.status === "failed" ? `its migration failed with exit code ${o.exitCode}` : "its migration did not run either",
        }));
}

/** What the Flyway container's exit code and log say. Never rejects: a failure is a value here. */
export function migrationOutcome(service: string, exitCode: pulumi.Input<number>, log: pulumi.Input<string>): pulumi.Output<MigrationOutcome> {
    return pulumi.all([exitCode, log]).apply(([code, text]): MigrationOutcome => {
        const output = text ?? "";
        return code === 0
            ? { service, status: "applied", summary: summarizeFlywayLog(output) }
            : { service, status: "failed", exitCode: code ?? -1, log: output };
    });
}

/** One line for stack outputs. */
export function describeOutcome(outcome: MigrationOutcome): string {
    switch (outcome.status) {
        case "applied":
            return outcome.summary;
        case "failed":
            return `failed with exit code ${outcome.exitCode}`;
        case "blocked":
            return `not run: waits for ${outcome.blockedBy.map((u) => u.service).join(", ")}, whose migration did not apply`;
    }
}

/** The error a failed migration raises on its dependants: the service, the exit code, Flyway's log and the way out. */
export function migrationFailedMessage(outcome: Extract<MigrationOutcome, { status: "failed" }>, flywayUrn: string, dependants: string): string {
    return (
        `${outcome.service}: Flyway migration failed with exit code ${outcome.exitCode}, so ${dependants} not created; ` +
        `services that do not wait for it are not affected.\nFlyway's log:\n${logTail(outcome.log)}\n` +
        `Fix the migration and run \`pulumi up\` again: changed migration files recreate the Flyway container. ` +
        `If the files were fine (say the database was briefly unreachable), rerun it with:\n` +
        `    pulumi up --replace '${flywayUrn}'`
    );
}

/** The error of a service whose upstream migrations did not apply, naming each upstream and why. */
export function migrationBlockedMessage(service: string, upstreams: readonly Upstream[]): string {
    return (
        `${service}: migrations not run and no app containers created, because it waits for (after:) ` +
        `${upstreams.map((u) => `${u.service}, and ${u.reason}`).join("; ")}. ` +
        `Fix ${upstreams.map((u) => u.service).join(" and ")} first; ${service} migrates on the next \`pulumi up\` after that.`
    );
}

/**
 * Resolves to `[flyway]` once the migration applied; rejects otherwise, with a ResourceError on the Flyway container
 * for a failure, or with `blockedError` (the one the Flyway container's own registration raised) when it never ran.
 * Create it once and share it: Pulumi reports one error object once, however many resources wait on it.
 */
export function whenMigrationApplied(
    outcome: pulumi.Output<MigrationOutcome>,
    flyway: pulumi.CustomResource,
    dependants: string,
    blockedError: (upstreams: Upstream[]) => Error,
): pulumi.Output<pulumi.Resource[]> {
    return outcome.apply((result): pulumi.Output<pulumi.Resource[]> => {
        if (result.status === "blocked") {
            // Not a word about the Flyway container here: it never registered, and its outputs never resolve.
            throw blockedError(result.blockedBy);
        }
        if (result.status === "failed") {
            return flyway.urn.apply((urn): pulumi.Resource[] => {
                throw new pulumi.ResourceError(migrationFailedMessage(result, urn, dependants), flyway, true);
            });
        }
        return pulumi.output<pulumi.Resource[]>([flyway]);
    });
}
