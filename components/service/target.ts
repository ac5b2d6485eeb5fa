/**
 * The platform seam. The component computes, without any platform, everything a service needs (its plan); a target
 * turns the plan into resources on its platform and hands back how the migration ended. Docker (targets/docker) and
 * Kubernetes (targets/kubernetes) are targets; a new platform is a new target, and the component does not change.
 *
 * The contract a target keeps (each point is what an update relies on, and what a target's author must not skip):
 *
 * 1. Keys. `serviceKeys` is the schema of the per-service keys only this target reads (their types, defaults and
 *    `expected` wording); they are merged over the shared ones (service/arguments.ts). `argumentProblems` reports
 *    what the schema cannot judge, before anything is registered.
 * 2. One migration run per change, and apps gated on its success. Build the chain with `migrationChain`
 *    (service/migrationChain.ts): it decides whether the run may start (upstreams applied, required objects
 *    created), turns the run into an outcome that never rejects, and gives the gate the apps must wait on
 *    (`dependsOn`). Never gate the apps on the run's creation alone: a run can be created and fail.
 * 3. Never hang. Every resource whose outputs the target reads must record what it is made of (`madeOf`,
 *    service/whenCreated.ts) and be read through `whenCreated`/`createProblem`: a resource whose input rejected never
 *    registers, and on older SDKs its outputs never settle, so an update would wait for ever.
 * 4. Errors against a resource go through `resourceError` (service/resourceError.ts): shown under that resource,
 *    without a stack, cheap for the SDK to report.
 * 5. Failures said once. Every resource waits, in its `dependsOn`, on `afterInputs` (service/inputsGate.ts) given
 *    every Output among its arguments and `serviceFailure`: a resource made of one that failed is then never sent,
 *    and the service says why once, instead of the SDK printing its serialisation error with a stack. Never return
 *    an Output that may reject from an `apply` callback (throw inside it, or `pulumi.recover` first): its own promises
 *    are left unread and reported with a stack (output.js, liftInnerOutput).
 * 6. Hand back the children (`resources`), so other programs can depend on a service's database, migration run and
 *    apps.
 * 7. The contract phase (plan.migrations.contract), when the service has one: a second one-shot run of the contract
 *    migrations with their own history (plan.flywayEnvironment(…, "contract")), started only once every replica of the
 *    new release is serving, on the platform's own word that the rollout ended (Docker: the rolling chain's end;
 *    Kubernetes: the Deployment's status), never on the apps having been registered. Its failure leaves the apps as
 *    they are, is said once (service/contractPhase.ts) and is run again by the next update.
 */
import * as pulumi from "@pulumi/pulumi";
import type { MigrationSet } from "../flyway/migrationFiles";
import type { ContractPhase } from "./contractPhase";
import type { ServiceArguments, TargetKeys } from "./arguments";
import type { MigrationOutcome } from "./outcome";
import type { ServicePlan } from "./plan";

/** A problem with one argument, by its key path (`limits.cpus`), in words that say what would be right. */
export interface ArgumentProblem {
    key: string;
    message: string;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ServiceTarget<Keys extends TargetKeys = {}> {
    /** The target's name, as a stack file's `target` says it (`docker`). */
    readonly name: string;
    /** The per-service keys only this target reads: a zod shape merged over the shared keys (see above). */
    readonly serviceKeys: Keys;
    /** Problems with arguments the schema cannot judge (a value the platform would not keep, keys that need each other). */
    argumentProblems(args: ServiceArguments<Keys>, migrations: MigrationSet): ArgumentProblem[];
    /**
     * Creates the service's database, its one migration run and its apps under `parent`. The apps change only after
     * the migration applied; the returned outcome never rejects, so services that wait for this one can read it.
     */
    deploy(plan: ServicePlan<Keys>, parent: pulumi.ComponentResource): ServiceDeployment;
}

/** The per-service keys of a target. */
export type KeysOf<T> = T extends ServiceTarget<infer Keys> ? Keys : never;

export interface ServiceDeployment {
    /** How the migration ended, or why it did not run; never rejects. */
    migration: pulumi.Output<MigrationOutcome>;
    /**
     * What the apps wait on (their `dependsOn`): it rejects, in an update, when the migration did not apply. The
     * component's outputs settle only after it has (see afterAppsGate.ts).
     */
    appsGate: pulumi.Output<unknown>;
    /** Where the apps and the migration reach the database (a DNS name on the platform's network). */
    databaseHost: string;
    /** Names of what runs the apps on the platform: Docker containers in replica order, or a Kubernetes Deployment. */
    appNames: string[];
    /** The service's resources, for programs that depend on them. */
    resources: ServiceResources;
    /** The contract phase, when the service has contract migrations (point 7 above). */
    contract?: ContractPhase;
    /** With pre-migration backups: the command that restores one (a `<dump file>` to fill in). */
    restoreCommand?: pulumi.Output<string>;
    /**
     * Resolves once every app was created, rejects when one was not, and never hangs on one that never registered.
     * Default: each of `resources.apps` read through whenCreated, which covers apps whose own inputs failed; a target
     * whose apps wait on each other (Docker's rolling chain) gives the chain's end instead.
     */
    appsCreated?: pulumi.Output<unknown>;
}

export interface ServiceResources {
    /** What runs the database (a container, a CloudNativePG Cluster); none when the database is someone else's. */
    database?: pulumi.CustomResource;
    /** The one-shot migration run (a Flyway container, a Job). */
    migration: pulumi.CustomResource;
    /** What runs the apps (one container per replica, or a Deployment); registered only once the migration applied. */
    apps: pulumi.CustomResource[];
}
