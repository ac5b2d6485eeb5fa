/**
 * How a service's migration ended, as a value that every platform produces and every service can wait on: applied,
 * failed, or not run (and why). Outcomes never reject, so a service that waits for another (`after`) always learns
 * what happened, and stack outputs derived from them always settle.
 */
import * as pulumi from "@pulumi/pulumi";
import { resourceError } from "./resourceError";
import { registeredOf, whenCreated } from "./whenCreated";

export type MigrationOutcome =
    | { service: string; status: "applied"; summary: string }
    /** Ran and failed: Flyway's exit code where the platform reports it, and its log (or the platform's error). */
    | { service: string; status: "failed"; exitCode?: number; log: string }
    /**
     * Not run, because its own database, backup or migration could not be created, or its backup failed; `fix` says
     * what to do when the provider's own error does not.
     */
    | { service: string; status: "not-run"; reason: string; fix?: string }
    /** Not run, because services it waits for (`after`) did not apply. */
    | { service: string; status: "blocked"; blockedBy: Upstream[] };

/** A service whose migration did not run. */
export type NotRun = Extract<MigrationOutcome, { status: "blocked" | "not-run" }>;

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
                return [
                    {
                        service: o.service,
                        reason: o.exitCode === undefined ? "its migration failed" : `its migration failed with exit code ${o.exitCode}`,
                    },
                ];
            case "not-run":
                return [{ service: o.service, reason: o.reason }];
            case "blocked":
                return [{ service: o.service, reason: "its migration did not run either" }];
        }
    });
}

/**
 * Undefined once `resource` was created, or `reason` when its create failed or it could not even be registered;
 * never rejects. Read from the URN (see whenCreated.ts), which a failed create rejects (runtime/resource.js) and
 * which is known in a preview.
 */
export function createProblem(resource: pulumi.CustomResource, reason: string): pulumi.Output<string | undefined> {
    return pulumi.recover(
        whenCreated(resource).apply((): string | undefined => undefined),
        () => reason,
    );
}

/** Why `service` must not migrate: an upstream that did not apply, or its own `problem`; undefined when it may. */
export function notRunBecause(
    service: string,
    upstreams: pulumi.Output<Upstream[]>,
    problem: pulumi.Output<string | undefined>,
): pulumi.Output<NotRun | undefined> {
    return pulumi
        .all([upstreams, problem])
        .apply(([blockedBy, reason]): NotRun | undefined =>
            blockedBy.length > 0 ? { service, status: "blocked", blockedBy } : reason ? { service, status: "not-run", reason } : undefined,
        );
}

/** One line for stack outputs. */
export function describeOutcome(outcome: MigrationOutcome): string {
    switch (outcome.status) {
        case "applied":
            return outcome.summary;
        case "failed":
            return outcome.exitCode === undefined ? "failed: the migration did not complete" : `failed with exit code ${outcome.exitCode}`;
        case "not-run":
            return `not run: ${outcome.reason}`;
        case "blocked":
            return `not run: waits for ${outcome.blockedBy.map((u) => u.service).join(", ")}, whose migration did not apply`;
    }
}

/** The error of a service whose migration could not run: its upstreams did not apply, or its own database failed. */
export function notRunMessage(outcome: NotRun): string {
    const service = outcome.service;
    const [why, fix] =
        outcome.status === "not-run"
            ? [outcome.reason, outcome.fix ?? "See the provider's error above; the next `pulumi up` tries to create it again."]
            : [
                  `it waits for (after:) ${outcome.blockedBy.map((u) => `${u.service}, and ${u.reason}`).join("; ")}`,
                  `Fix ${outcome.blockedBy.map((u) => u.service).join(" and ")} first; ${service} migrates on the next \`pulumi up\` ` +
                      `after that.`,
              ];
    return `${service}: migrations not run and no app containers created or changed, because ${why}. ${fix}`;
}

/**
 * What the migration waits for: `resources`, unless it must not run; then, in an update, the service's not-run error
 * (in a preview the plan shows regardless: a preview never fails on a gate).
 */
export function whenMayMigrate(
    notRun: pulumi.Output<NotRun | undefined>,
    resources: pulumi.CustomResource[],
    notRunError: (outcome: NotRun) => Error,
): pulumi.Output<pulumi.Resource[]> {
    return notRun.apply((stop): pulumi.Output<pulumi.Resource[]> => {
        if (!stop) return pulumi.output<pulumi.Resource[]>(resources);
        if (pulumi.runtime.isDryRun()) return registeredOf(resources);
        throw notRunError(stop);
    });
}

/** One error object per service for everything that did not run: Pulumi reports one error object once. */
export function notRunErrors(parent: pulumi.Resource): (outcome: NotRun) => Error {
    let error: Error | undefined;
    return (outcome) => (error ??= resourceError(notRunMessage(outcome), parent));
}
