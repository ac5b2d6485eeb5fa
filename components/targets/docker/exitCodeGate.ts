/**
 * Gating on a one-shot Flyway container's *success*, not on its creation.
 *
 * The Docker provider finishes creating an attached container when it exits, whatever its exit code; it only records
 * the code. So dependants wait on an Output that resolves once the exit code is known to be 0, and rejects otherwise.
 * It goes into `dependsOn`, not into any input: during preview the exit code of a new Flyway container is unknown,
 * Pulumi then falls back to the Output's own resources (the Flyway container), and the dependants show as plain
 * creates instead of unknown-input diffs.
 *
 * A preview never fails on a gate. In a preview the engine hands an unchanged Flyway container its *stored* outputs
 * (pkg/resource/deploy/step.go, SameStep), so after a failed run the next preview knows the old exit code; failing
 * there would fail the preview of every service, and `pulumi up` never gets past a failed preview
 * (pkg/backend/apply.go). The preview warns instead, and the update itself fails for that service only.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { failureHint, logTail, summarizeFlywayLog } from "../../flyway/log";
import type { FailedOutcome as Failed } from "../../service/migrationChain";
import { MigrationOutcome, notRunMessage } from "../../service/outcome";
import { resourceError } from "../../service/resourceError";
import { whenCreated } from "../../service/whenCreated";

/**
 * What the Flyway container's exit code and log say; a Flyway container that could not be created is a value too.
 * `flywayLog` takes Flyway's own output out of the container's log (the contract run adds a line of its own).
 */
export function exitCodeOutcome(
    service: string,
    flyway: docker.Container,
    flywayLog: (log: string) => string = (log) => log,
): pulumi.Output<MigrationOutcome> {
    const exit = whenCreated(flyway).apply(() => pulumi.all([flyway.exitCode, flyway.containerLogs]));
    const ran = exit.apply(([code, text]): MigrationOutcome => {
        const output = flywayLog(text ?? "");
        return code === 0
            ? { service, status: "applied", summary: summarizeFlywayLog(output) }
            : { service, status: "failed", exitCode: code ?? -1, log: output };
    });
    // A failed create (or an input that rejected) rejects this; the provider's error reaches the update on its own.
    return pulumi.recover(ran, (): MigrationOutcome => ({
        service,
        status: "not-run",
        reason: "its Flyway container could not be created",
    }));
}

const rerun = (flywayUrn: string) =>
    `Fix the migration and run \`pulumi up\` again: changed migration files recreate the Flyway container. ` +
    `If the files were fine (say the database was briefly unreachable), rerun it with:\n    pulumi up --replace '${flywayUrn}'`;

/** The error a failed migration raises on its dependants: the service, the exit code, Flyway's log and the way out. */
export function migrationFailedMessage(outcome: Failed, flywayUrn: string, dependants: string): string {
    return (
        `${outcome.service}: Flyway migration failed with exit code ${outcome.exitCode}, so ${dependants} not created or changed; ` +
        `services that do not wait for it are not affected.\nFlyway's log:\n${logTail(outcome.log)}\n` +
        `${failureHint(outcome.log)}${rerun(flywayUrn)}`
    );
}

/** The warning a preview gives instead, when the failure is the stored result of an earlier run. */
export function previousFailureWarning(outcome: Failed, flywayUrn: string): string {
    return (
        `${outcome.service}: the last Flyway run failed with exit code ${outcome.exitCode} and nothing in this change runs it again, ` +
        `so the update will fail for ${outcome.service} and leave its app containers as they are; other services deploy as planned.\n` +
        `Flyway's log:\n${logTail(outcome.log)}\n${rerun(flywayUrn)}`
    );
}

/** In a preview, says what the update will do about a migration that is known not to apply (see above). */
export function warnInPreview(outcome: pulumi.Output<MigrationOutcome>, flyway: docker.Container, parent: pulumi.Resource): void {
    if (!pulumi.runtime.isDryRun()) return;
    // Known only when stored by an earlier update (an unchanged Flyway container).
    outcome.apply((result) => {
        if (result.status === "failed") flyway.urn.apply((urn) => pulumi.log.warn(previousFailureWarning(result, urn), parent));
        // Not a word about the Flyway container here: it may never have registered (see whenMigrationApplied).
        if (result.status === "blocked" || result.status === "not-run") void pulumi.log.warn(notRunMessage(result), parent);
    });
}

/** The error the apps' gate raises after a failed migration, against the Flyway container (see service/migrationChain.ts). */
export function migrationFailedError(outcome: Failed, flyway: docker.Container, dependants: string): pulumi.Output<Error> {
    return flyway.urn.apply((urn): Error => resourceError(migrationFailedMessage(outcome, urn, dependants), flyway));
}
