import * as pulumi from "@pulumi/pulumi";
import { logTail, summarizeFlywayLog } from "./flywayLog";

/**
 * Gating on a one-shot Flyway container's *success*, not on its creation.
 *
 * The Docker provider finishes creating an attached container when it exits, whatever its exit code; it only records
 * the code. So dependants wait on an Output that resolves to the Flyway container once its exit code is known to be 0,
 * and rejects otherwise. It goes into `dependsOn`, not into any input: during preview the exit code is unknown, Pulumi
 * then falls back to the Output's own resources (the Flyway container), and the dependants show as plain creates
 * instead of unknown-input diffs.
 */

export type MigrationOutcome =
    | { service: string; status: "applied"; summary: string }
    | { service: string; status: "failed"; exitCode: number; log: string };

/** What the Flyway container's exit code and log say. Never rejects: a failure is a value here. */
export function migrationOutcome(service: string, exitCode: pulumi.Input<number>, log: pulumi.Input<string>): pulumi.Output<MigrationOutcome> {
    return pulumi.all([exitCode, log]).apply(([code, text]): MigrationOutcome => {
        const output = text ?? "";
        return code === 0
            ? { service, status: "applied", summary: summarizeFlywayLog(output) }
            : { service, status: "failed", exitCode: code ?? -1, log: output };
    });
}

/** The error a failed migration raises on its dependants: the service, the exit code, Flyway's log and the way out. */
export function migrationFailedMessage(outcome: Extract<MigrationOutcome, { status: "failed" }>, flywayUrn: string, dependants: string): string {
    return (
        `${outcome.service}: Flyway migration failed with exit code ${outcome.exitCode}, so ${dependants} not created; ` +
        `other services are not affected.\nFlyway's log:\n${logTail(outcome.log)}\n` +
        `Fix the migration and run \`pulumi up\` again: changed migration files recreate the Flyway container. ` +
        `If the files were fine (say the database was briefly unreachable), rerun it with:\n` +
        `    pulumi up --replace '${flywayUrn}'`
    );
}

/**
 * Resolves to `[flyway]` once the migration applied; rejects with a ResourceError on the Flyway container otherwise.
 * Create it once and share it: Pulumi reports one error object once, however many resources wait on it.
 */
export function whenMigrationApplied(outcome: pulumi.Output<MigrationOutcome>, flyway: pulumi.CustomResource, dependants: string): pulumi.Output<pulumi.Resource[]> {
    return pulumi.all([outcome, flyway.urn]).apply(([result, urn]) => {
        if (result.status !== "applied") {
            throw new pulumi.ResourceError(migrationFailedMessage(result, urn, dependants), flyway, true);
        }
        return [flyway];
    });
}
