/**
 * The chain every target builds around its one migration run, written once: whether the run may start (the services
 * it waits for applied, the objects it needs were created), the run itself, how it ended as a value that never
 * rejects, and the gate the apps wait on. A target supplies only what is its own: the objects, the run, and how to
 * read the run's end.
 *
 * In an update a run that must not start is never registered (its `dependsOn` rejects with the service's not-run
 * error), and neither are the apps (their gate rejects with it, or with the run's failure). In a preview nothing
 * fails on a gate: the plan shows regardless, and waits only on what was registered (see registeredOf).
 */
import * as pulumi from "@pulumi/pulumi";
import { createProblem, MigrationOutcome, NotRun, notRunBecause, notRunErrors, whenMayMigrate } from "./outcome";
import type { ServicePlan } from "./plan";
import { registeredOf } from "./whenCreated";

/** An object the migration needs, and the reason it gives for not running when the object could not be created. */
export interface RequiredObject {
    resource: pulumi.CustomResource;
    reason: string;
}

export type FailedOutcome = Extract<MigrationOutcome, { status: "failed" }>;

export interface MigrationChainSpec<Run extends pulumi.CustomResource> {
    /** What must have been created for the run to start; the first that was not is the service's reason. */
    mustExist: RequiredObject[];
    /** What the run waits for when it may start (the database: on Docker once started, on Kubernetes once Ready). */
    waitFor: pulumi.CustomResource[];
    /**
     * A step of the target's own between the objects and the run (Docker's pre-migration backup): given whether the
     * service may migrate so far, it says whether it still may, and what the run waits for instead.
     */
    before?: (notRun: pulumi.Output<NotRun | undefined>, notRunError: (outcome: NotRun) => Error) => BeforeRun;
    /** Creates the run; `dependsOn` rejects in an update when it must not start. Record what it is made of (madeOf). */
    createRun(dependsOn: pulumi.Output<pulumi.Resource[]>): Run;
    /** How the run ended, read from the platform; never rejects (a failed create is a value too). */
    outcome(run: Run): pulumi.Output<MigrationOutcome>;
    /**
     * The error the apps' gate raises when the run failed: the service, the cause, the log and the way out. An Error,
     * or an Output of one when it needs the run's outputs (never pulumi.output(error): that copies it into a plain
     * object).
     */
    failedError(outcome: FailedOutcome, run: Run): Error | pulumi.Output<Error>;
}

export interface BeforeRun {
    notRun: pulumi.Output<NotRun | undefined>;
    waitFor: pulumi.CustomResource[];
}

export interface MigrationChain<Run extends pulumi.CustomResource> {
    run: Run;
    /** How the migration ended, or why it did not run; never rejects. */
    migration: pulumi.Output<MigrationOutcome>;
    /** The apps' `dependsOn`: the run once it applied; in an update it rejects otherwise (see above). */
    appsGate: pulumi.Output<pulumi.Resource[]>;
    /** The service's one not-run error, for steps of the target's own that must not start either. */
    notRunError: (outcome: NotRun) => Error;
}

export function migrationChain<Run extends pulumi.CustomResource>(
    plan: ServicePlan,
    parent: pulumi.Resource,
    spec: MigrationChainSpec<Run>,
): MigrationChain<Run> {
    const notRunError = notRunErrors(parent);
    const missing = pulumi
        .all(spec.mustExist.map(({ resource, reason }) => createProblem(resource, reason)))
        .apply((reasons) => reasons.find((reason) => reason !== undefined));
    const objectsNotRun = notRunBecause(plan.name, plan.upstreams, missing);
    const before = spec.before?.(objectsNotRun, notRunError);
    const notRun = before?.notRun ?? objectsNotRun;
    const run = spec.createRun(whenMayMigrate(notRun, before?.waitFor ?? spec.waitFor, notRunError));
    // A run that never registered has outputs that never resolve: only read them when it may have run.
    const migration = notRun.apply((stop) => (stop ? pulumi.output<MigrationOutcome>(stop) : spec.outcome(run)));
    let failed: Error | pulumi.Output<Error> | undefined;
    const appsGate = migration.apply((result): pulumi.Output<pulumi.Resource[]> => {
        if (result.status === "applied") return pulumi.output<pulumi.Resource[]>([run]);
        // A run that could not even be registered (its image's lookup failed) is not waited on.
        if (pulumi.runtime.isDryRun()) return registeredOf([run]);
        if (result.status === "failed") {
            // One error object, however many apps wait: Pulumi reports an error object once.
            failed ??= spec.failedError(result, run);
            if (!pulumi.Output.isInstance(failed)) throw failed;
            return failed.apply((error): pulumi.Resource[] => {
                throw error;
            });
        }
        // Not a word about the run here: it never registered, and its outputs never resolve.
        throw notRunError(result);
    });
    return { run, migration, appsGate, notRunError };
}
