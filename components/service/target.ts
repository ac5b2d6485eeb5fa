/**
 * The platform seam. The component computes, without any platform, everything a service needs (its plan); a target
 * turns the plan into resources on its platform and hands back how the migration ended. Docker is one target
 * (targets/docker); a new platform is a new target, and the component does not change.
 */
import * as pulumi from "@pulumi/pulumi";
import type { MigrationSet } from "../flyway/migrationFiles";
import type { ServiceArguments } from "./arguments";
import type { MigrationOutcome } from "./outcome";
import type { ServicePlan } from "./plan";

/** A problem with one argument, by its key path (`limits.cpus`), in words that say what would be right. */
export interface ArgumentProblem {
    key: string;
    message: string;
}

export interface ServiceTarget {
    /** Problems with arguments this target cannot honour as given (a Docker-only key on Kubernetes, say). */
    argumentProblems(args: ServiceArguments, migrations: MigrationSet): ArgumentProblem[];
    /**
     * Creates the service's database, its one migration run and its apps under `parent`. The apps change only after
     * the migration applied; the returned outcome never rejects, so services that wait for this one can read it.
     */
    deploy(plan: ServicePlan, parent: pulumi.ComponentResource): ServiceDeployment;
}

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
    /** With pre-migration backups: the command that restores one (a `<dump file>` to fill in). */
    restoreCommand?: pulumi.Output<string>;
}
