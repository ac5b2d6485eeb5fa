import * as pulumi from "@pulumi/pulumi";
import { logTail, summarizeFlywayLog } from "./flywayLog";

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

export type MigrationOutcome =
    | { service: string; status: "applied"; summary: string }
    | { service: string; status: "failed"; exitCode: number; log: string }
    /** Not run, because its own database or Flyway container could not be created. */
    | { service: string; status: "not-run"; reason: string }
    /** Not run, because services it waits for (`after`) did not apply. */
    | { service: string; status: "blocked"; blockedBy: Upstream[] };

/** An upstream service that did not apply, and why. */
export interface Upstream {
    service: string;
    reason: string;
}

/** The upstreams among `outcomes` that did not apply, with why, for a service that waits for them. */
export function notApplied(outcomes: readonly MigrationOutcome[]): Upstream[] {
    return outcomes.flatMap((o): Upstream[] => {
        switch (o.status) {
            case "applied":
                return [];
            case "failed":
                return [{ service: o.service, reason: `its migration failed with exit code ${o.exitCode}` }];
            case "not-run":
                return [{ service: o.service, reason: o.reason }];
            case "blocked":
                return [{ service: o.service, reason: "its migration did not run either" }];
        }
    });
}

/** What the Flyway container's exit code and log say; a Flyway container that could not be created is a value too. */
export function migrationOutcome(service: string, flyway: { exitCode: pulumi.Output<number>; containerLogs: pulumi.Output<string | undefined> }): pulumi.Output<MigrationOutcome> {
    const ran = pulumi.all([flyway.exitCode, flyway.containerLogs]).apply(([code, text]): MigrationOutcome => {
        const output = text ?? "";
        return code === 0 ? { service, status: "applied", summary: summarizeFlywayLog(output) } : { service, status: "failed", exitCode: code ?? -1, log: output };
    });
    // A failed create rejects the container's outputs; the provider's error reaches the update on its own.
    return pulumi.recover(ran, (): MigrationOutcome => ({ service, status: "not-run", reason: "its Flyway container could not be created" }));
}

/** Undefined once `resource` was created, or `reason` when its create failed; never rejects. */
export function createProblem(resource: pulumi.CustomResource, reason: string): pulumi.Output<string | undefined> {
    return pulumi.recover(resource.urn.apply((): string | undefined => undefined), () => reason);
}

/** One line for stack outputs. */
export function describeOutcome(outcome: MigrationOutcome): string {
    switch (outcome.status) {
        case "applied":
            return outcome.summary;
        case "failed":
            return `failed with exit code ${outcome.exitCode}`;
        case "not-run":
            return `not run: ${outcome.reason}`;
        case "blocked":
            return `not run: waits for ${outcome.blockedBy.map((u) => u.service).join(", ")}, whose migration did not apply`;
    }
}

const rerun = (flywayUrn: string) =>
    `Fix the migration and run \`pulumi up\` again: changed migration files recreate the Flyway container. ` +
    `If the files were fine (say the database was briefly unreachable), rerun it with:\n    pulumi up --replace '${flywayUrn}'`;

/** The error a failed migration raises on its dependants: the service, the exit code, Flyway's log and the way out. */
export function migrationFailedMessage(outcome: Extract<MigrationOutcome, { status: "failed" }>, flywayUrn: string, dependants: string): string {
    return (
        `${outcome.service}: Flyway migration failed with exit code ${outcome.exitCode}, so ${dependants} not created or changed; ` +
        `services that do not wait for it are not affected.\nFlyway's log:\n${logTail(outcome.log)}\n${rerun(flywayUrn)}`
    );
}

/** The warning a preview gives instead, when the failure is the stored result of an earlier run. */
export function previousFailureWarning(outcome: Extract<MigrationOutcome, { status: "failed" }>, flywayUrn: string): string {
    return (
        `${outcome.service}: the last Flyway run failed with exit code ${outcome.exitCode} and nothing in this change runs it again, ` +
        `so the update will fail for ${outcome.service} and leave its app containers as they are; other services deploy as planned.\n` +
        `Flyway's log:\n${logTail(outcome.log)}\n${rerun(flywayUrn)}`
    );
}

/** A service whose migration did not run. */
export type NotRun = Extract<MigrationOutcome, { status: "blocked" | "not-run" }>;

/** The error of a service whose migration could not run: its upstreams did not apply, or its own database failed. */
export function notRunMessage(outcome: NotRun): string {
    const service = outcome.service;
    const [why, fix] =
        outcome.status === "not-run"
            ? [outcome.reason, "See the provider's error above; the next `pulumi up` tries to create it again."]
            : [
                  `it waits for (after:) ${outcome.blockedBy.map((u) => `${u.service}, and ${u.reason}`).join("; ")}`,
                  `Fix ${outcome.blockedBy.map((u) => u.service).join(" and ")} first; ${service} migrates on the next \`pulumi up\` after that.`,
              ];
    return `${service}: migrations not run and no app containers created or changed, because ${why}. ${fix}`;
}

/**
 * Resolves to `[flyway]` once the migration applied. Otherwise, in an update, rejects: with a ResourceError on the
 * Flyway container for a failure, or with `notRunError` (the one the Flyway container's own registration raised)
 * when it never ran. In a preview it resolves to `[flyway]` all the same (see the top of this file); the component
 * warns. Create it once and share it: Pulumi reports one error object once, however many resources wait on it.
 */
export function whenMigrationApplied(
    outcome: pulumi.Output<MigrationOutcome>,
    flyway: pulumi.CustomResource,
    dependants: string,
    notRunError: (outcome: NotRun) => Error,
): pulumi.Output<pulumi.Resource[]> {
    return outcome.apply((result): pulumi.Output<pulumi.Resource[]> => {
        if (result.status === "applied" || pulumi.runtime.isDryRun()) {
            return pulumi.output<pulumi.Resource[]>([flyway]);
        }
        if (result.status === "failed") {
            return flyway.urn.apply((urn): pulumi.Resource[] => {
                throw new pulumi.ResourceError(migrationFailedMessage(result, urn, dependants), flyway, true);
            });
        }
        // Not a word about the Flyway container here: it never registered, and its outputs never resolve.
        throw notRunError(result);
    });
}
