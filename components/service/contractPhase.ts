/**
 * The contract phase, as every target shapes it: a second one-shot migration run, of the service's `contract/`
 * migrations, that starts only once every replica of the new release is serving (so it may drop what only the
 * previous release used), and whose failure changes nothing for the apps.
 *
 * Its failure has no dependant to carry it, so the service says it itself, once, against the run: as a rejection
 * nobody handles, which the SDK reports under the run's resource without a stack and which fails the update
 * (@pulumi/pulumi cmd/run/run.js, uncaughtHandler; cmd/run/index.js sets the exit code). The component's outputs
 * settle only after it (see afterAppsGate.ts: a rejection after the program finished is shown with a stack).
 */
import * as pulumi from "@pulumi/pulumi";
import type { FailedOutcome } from "./migrationChain";
import { describeOutcome, MigrationOutcome } from "./outcome";
import { resourceError } from "./resourceError";

export interface ContractPhase {
    /** The contract run (a Flyway container, a Job). */
    run: pulumi.CustomResource;
    /** How it ended, or why it did not run; never rejects. */
    outcome: pulumi.Output<MigrationOutcome>;
    /** Its migrations, as `contract/<file>`, in the order Flyway applies them. */
    files: string[];
    /** Everything the phase runs (its backup, where set, and the run), for the preview's account of it. */
    resources: pulumi.CustomResource[];
}

/** The error of a contract phase that could not start: `why`, and what happens next. */
export function contractNotRunError(service: string, why: string, parent: pulumi.Resource): Error {
    return resourceError(`${service}: the contract migrations did not run, because ${why}`, parent);
}

/**
 * Whether `reason` is one of the service's own errors (a ResourceError shown without a stack), which a dependant of
 * the apps has reported or will report: thrown again, it is said once all the same (the SDK's handler dedupes by
 * identity), and anything else (the SDK's own errors) would be shown with a stack.
 */
export function saidAlready(reason: unknown): boolean {
    return pulumi.ResourceError.isInstance(reason) && (reason as pulumi.ResourceError).hideStack === true;
}

/**
 * What the contract phase waits for: every replica of the new release serving, on the platform's word (`created`, which
 * resolves once the apps' creates or updates returned: Docker's rolling chain, Kubernetes' Deployment with its
 * waitFor). It rejects when the migration or the rollout did not get there: with the error that already said so when it
 * is one of the service's own (saidAlready), else with one saying the contract phase waits for the rollout.
 */
export function rolledOutGate(
    service: string,
    appsGate: pulumi.Output<unknown>,
    created: pulumi.Output<unknown>,
    apps: pulumi.Resource[],
    parent: pulumi.Resource,
): pulumi.Output<pulumi.Resource[]> {
    let reason: unknown;
    const complete = pulumi.recover(
        created.apply(() => true),
        (error: unknown) => {
            reason = error;
            return false;
        },
    );
    let error: Error | undefined;
    // Thrown inside the apply, never returned as a rejecting Output (target.ts, point 5).
    return appsGate
        .apply(() => complete)
        .apply((ok): pulumi.Resource[] => {
            if (ok) return apps;
            throw (error ??= saidAlready(reason)
                ? (reason as Error)
                : contractNotRunError(
                      service,
                      "the rollout did not complete (see the error above); they run on the `pulumi up` that completes it.",
                      parent,
                  ));
        });
}

/**
 * How the contract phase ended, never rejecting: `ran()` once `gate` (what the run waited for) opened, or `notRun` when
 * it did not (a rollout that did not complete, a backup that failed). `ran` reads the run's outputs, which never settle
 * for a run that never registered, so it is called only then.
 */
export function contractOutcome(
    gate: pulumi.Output<unknown>,
    ran: () => pulumi.Output<MigrationOutcome>,
    notRun: MigrationOutcome,
): pulumi.Output<MigrationOutcome> {
    return pulumi
        .recover(
            gate.apply(() => true),
            () => false,
        )
        .apply((may) => (may ? ran() : pulumi.output(notRun)));
}

/** Says a failed contract run once, in an update, against the run (see above). */
export function reportContractFailure(
    outcome: pulumi.Output<MigrationOutcome>,
    run: pulumi.CustomResource,
    message: (outcome: FailedOutcome) => string,
): void {
    if (pulumi.runtime.isDryRun()) return;
    outcome.apply((result) => {
        // Deliberately unhandled: the SDK's handler reports it against the run and fails the update (see above).
        if (result.status === "failed") void Promise.reject(resourceError(message(result), run));
    });
}

/** One line for stack outputs: what the contract phase did in this update. */
export function describeContract(outcome: MigrationOutcome | undefined): string {
    return outcome === undefined ? "no contract migrations" : describeOutcome(outcome);
}

/** The contract step, for the preview's account: its files, of which the run applies those not applied yet. */
export function contractStep(files: readonly string[]): string {
    return `the contract migrations not applied yet of ${files.join(", ")}`;
}

/** A step of a service's update, for the preview's account of it: what it is, and what runs it. */
export interface UpdateStep {
    what: string;
    resources: pulumi.CustomResource[];
}

/**
 * Whether a preview plans to create or replace `resource`: its ID is unknown then, and known (stored) when it stays
 * as it is (pkg/resource/deploy/step.go, SameStep). The Output's own isKnown promise says which.
 */
function plannedToRun(resource: pulumi.CustomResource): Promise<boolean> {
    const id = resource.id as unknown as { isKnown: Promise<boolean> };
    return id.isKnown.then(
        (known) => !known,
        () => false,
    );
}

/**
 * In a preview, says which of a service's steps the update will run, in their order (each starts only once the one
 * before succeeded); nothing when none will.
 */
export function previewSteps(service: string, steps: UpdateStep[], parent: pulumi.Resource): void {
    if (!pulumi.runtime.isDryRun()) return;
    void Promise.all(
        steps.map(async (step) => ((await Promise.all(step.resources.map(plannedToRun))).some(Boolean) ? step.what : undefined)),
    ).then((planned) => {
        const running = planned.filter((what): what is string => what !== undefined);
        if (running.length === 0) return;
        void pulumi.log.info(
            `${service}: this update runs, in order, each once the one before succeeded: ${running.join("; then ")}`,
            parent,
        );
    });
}
