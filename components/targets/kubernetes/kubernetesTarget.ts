/**
 * The Kubernetes target: a service on a cluster, on Kubernetes' own mechanisms. Its database is a CloudNativePG
 * Cluster (or an external one), its migration a Job that Pulumi awaits, its apps a Deployment that changes only once
 * the Job completed, and rolls without going below its replica count.
 *
 * A Job that fails fails its own create (pulumi-kubernetes awaits it): the engine skips what depends on it, so the
 * Deployment keeps its pods on the last good schema, and services that wait for nobody go on (with
 * `--continue-on-error`; without it the engine starts no new operation after the first failure).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { flywayFiles } from "../../flyway/config";
import { failureHint } from "../../flyway/log";
import type { MigrationSet } from "../../flyway/migrationFiles";
import type { ServiceArguments } from "../../service/arguments";
import { afterInputs, serviceFailure } from "../../service/inputsGate";
import { FailedOutcome, migrationChain } from "../../service/migrationChain";
import type { MigrationOutcome } from "../../service/outcome";
import type { ServicePlan } from "../../service/plan";
import { resourceError } from "../../service/resourceError";
import type { ArgumentProblem, ServiceDeployment, ServiceTarget } from "../../service/target";
import { madeOf, whenCreated } from "../../service/whenCreated";
import { createApps } from "./apps";
import { createDatabase, DEFAULT_DATABASE } from "./database";
import { databaseProblems } from "./databaseChecks";
import { KubernetesServiceKeys, kubernetesServiceKeys } from "./kubernetesKeys";
import { CONFIG_MAP_LIMIT_BYTES, configMapBytes, createMigrationJob, createMigrationsConfigMap, jobName } from "./migrationJob";
import { CONTRACT_FOLDER } from "../../flyway/migrationFiles";
import { contractOutcome, ContractPhase, contractStep, previewSteps, rolledOutGate } from "../../service/contractPhase";
import type { ServiceFailure } from "../../service/inputsGate";
import type { KubernetesDatabase } from "./database";
import { labels, objectNames } from "./objects";

export interface KubernetesTargetArgs {
    /** The namespace every object of the service goes into. */
    namespace: pulumi.Input<string>;
    /** The Namespace, when the program creates it: a service then says so when it could not be created. */
    namespaceObject?: pulumi.CustomResource;
    /** Where the CloudNativePG operator runs, which must reach the database pods. Default `cnpg-system`. */
    operatorNamespace?: string;
}

export const DEFAULT_OPERATOR_NAMESPACE = "cnpg-system";

/** Arguments the Kubernetes target cannot honour: an incomplete database, too many migrations for a ConfigMap. */
export function kubernetesArgumentProblems(args: ServiceArguments<KubernetesServiceKeys>, migrations: MigrationSet): ArgumentProblem[] {
    const problems: ArgumentProblem[] = [...databaseProblems(args)];
    const database = { ...DEFAULT_DATABASE, ...args.database };
    if (database.mode === "external" && database.secret === undefined) {
        problems.push({
            key: "database.secret",
            message: "is required with mode external: the Secret with host, port, dbname, username and password",
        });
    }
    if (database.mode === "cloudnative-pg" && database.secret !== undefined) {
        problems.push({
            key: "database.secret",
            message: "is read with mode external only; CloudNativePG's owner Secret is the stack's own. Remove it",
        });
    }
    for (const set of [migrations, ...(migrations.contract ? [migrations.contract] : [])]) {
        const bytes = configMapBytes(flywayFiles(set));
        if (bytes > CONFIG_MAP_LIMIT_BYTES) {
            problems.push({
                key: "migrations",
                message:
                    `${set.folder}: ${(bytes / 1024).toFixed(0)} KiB of migrations do not fit the 1 MiB of a ConfigMap; ` +
                    `squash the oldest ones into a baseline (Flyway's baselineVersion) or split large data migrations`,
            });
        }
    }
    return problems;
}

export class KubernetesTarget implements ServiceTarget<KubernetesServiceKeys> {
    readonly name = "kubernetes";
    readonly serviceKeys = kubernetesServiceKeys;

    constructor(private readonly settings: KubernetesTargetArgs) {}

    argumentProblems(args: ServiceArguments<KubernetesServiceKeys>, migrations: MigrationSet): ArgumentProblem[] {
        return kubernetesArgumentProblems(args, migrations);
    }

    deploy(plan: ServicePlan<KubernetesServiceKeys>, parent: pulumi.ComponentResource): ServiceDeployment {
        const namespace = this.settings.namespace;
        const names = objectNames(plan.name);
        // What an object fails with when something it is made of could not be created. Called only once a failure
        // arrives, which is after the chain below exists.
        const failure = serviceFailure(plan.name, parent, () => chain.appsGate);
        const database = createDatabase(
            plan,
            { namespace, operatorNamespace: this.settings.operatorNamespace ?? DEFAULT_OPERATOR_NAMESPACE, failure },
            parent,
        );
        const appSecret = new k8s.core.v1.Secret(
            names.appSecret,
            {
                metadata: { name: names.appSecret, namespace, labels: labels(plan.name, "database") },
                type: "kubernetes.io/basic-auth",
                stringData: { username: plan.names.appUser, password: plan.appPassword },
            },
            { parent, dependsOn: afterInputs([namespace, plan.appPassword], failure) },
        );
        madeOf(appSecret, [namespace, plan.appPassword]);
        const migrations = createMigrationsConfigMap(plan, namespace, failure, parent);
        const namespaceObject = this.settings.namespaceObject;
        const chain = migrationChain<k8s.batch.v1.Job>(plan, parent, {
            mustExist: [
                ...(namespaceObject ? [{ resource: namespaceObject, reason: "its namespace could not be created" }] : []),
                ...database.mustExist,
                { resource: appSecret, reason: "its app role's Secret could not be created" },
                { resource: migrations, reason: "its migrations' ConfigMap could not be created" },
            ],
            waitFor: [...database.resources, appSecret],
            createRun: (dependsOn) => createMigrationJob(plan, { namespace, database, migrations, dependsOn, failure }, parent),
            outcome: (job) => jobOutcome(plan.name, job),
            failedError: (outcome) => jobFailedError(outcome, parent),
        });
        const apps = plan.args.replicas > 0 ? [createApps(plan, { namespace, database, dependsOn: chain.appsGate, failure }, parent)] : [];
        const contract = kubernetesContractPhase(
            plan,
            { namespace, database, failure },
            () => rolledOutGate(plan.name, chain.appsGate, pulumi.all(apps.map((app) => whenCreated(app))), apps, parent),
            parent,
        );
        previewSteps(
            plan.name,
            [
                { what: "the migrations", resources: [chain.run] },
                // Not the Deployment's rollout: an update in place keeps its ID, so a preview cannot tell it from no change
                // this way; Pulumi's own plan shows it, and the contract step says it waits for it.
                ...(contract
                    ? [{ what: `once the Deployment's rollout completed, ${contractStep(contract.files)}`, resources: contract.resources }]
                    : []),
            ],
            parent,
        );
        return {
            migration: chain.migration,
            appsGate: chain.appsGate,
            contract,
            databaseHost: `${names.cluster}-rw`,
            appNames: plan.args.replicas > 0 ? [names.app] : [],
            resources: { database: database.cluster, migration: chain.run, apps },
        };
    }
}

/**
 * The contract phase: a second ConfigMap and Job, `<service>-migrate-contract`, of the contract migrations with their
 * own history table, started once the rollout completed. Like the first Job it is replaced when its migrations change,
 * and, not ready after a failure, replaced by the next update (`pulumi.com/replaceUnready`): run again.
 */
function kubernetesContractPhase(
    plan: ServicePlan<KubernetesServiceKeys>,
    site: { namespace: pulumi.Input<string>; database: KubernetesDatabase; failure: ServiceFailure },
    whenRolledOut: () => pulumi.Output<pulumi.Resource[]>,
    parent: pulumi.Resource,
): ContractPhase | undefined {
    const contract = plan.migrations.contract;
    if (!contract || !plan.contractFiles) return undefined;
    // Made only here: an Output that rejects, made and never read, would be reported with a stack.
    const rolledOutGate = whenRolledOut();
    const migrations = createMigrationsConfigMap(plan, site.namespace, site.failure, parent, "contract");
    const run = createMigrationJob(
        plan,
        {
            namespace: site.namespace,
            database: site.database,
            migrations,
            dependsOn: rolledOutGate,
            failure: site.failure,
            phase: "contract",
        },
        parent,
    );
    // The Job's own failure (its error carries Flyway's log) is the engine's to report, once; the outcome only reads it.
    const outcome = contractOutcome(rolledOutGate, () => jobOutcome(plan.name, run, jobName(plan.name, "contract")), {
        service: plan.name,
        status: "not-run",
        reason: "the rollout did not complete",
    });
    return {
        run,
        outcome,
        files: contract.files.map((f) => `${CONTRACT_FOLDER}/${f.fileName}`),
        resources: [migrations, run],
    };
}

/**
 * Applied once the Job completed (Pulumi awaits that); failed with the provider's error, which carries Flyway's log.
 * The summary names the Job as the program does: in a preview of a replacement the provider's own output is a
 * temporary name (`catalog-migrate8fg7l`), and a summary must not change with it.
 */
function jobOutcome(service: string, job: k8s.batch.v1.Job, name = objectNames(service).job): pulumi.Output<MigrationOutcome> {
    // Through the Job's URN, which carries the Job: services that wait for this one (after) depend on it.
    const completed = whenCreated(job)
        .apply(() => job.urn)
        .apply((): MigrationOutcome => ({ service, status: "applied", summary: `applied by Job ${name}` }));
    return pulumi.recover(completed, (error: unknown): MigrationOutcome => ({
        service,
        status: "failed",
        log: error instanceof Error ? error.message : String(error),
    }));
}

/** The error the Deployment's gate raises after a failed Job: the provider's own error already carries Flyway's log. */
function jobFailedError(outcome: FailedOutcome, parent: pulumi.Resource): Error {
    return resourceError(
        `${outcome.service}: the migration Job failed, so its Deployment was not created or changed; its pods keep serving ` +
            `the last good schema. The Job's error carries the end of Flyway's log (kubectl logs job/${outcome.service}-migrate). ` +
            failureHint(outcome.log) +
            `Fix the migration and run \`pulumi up\` again: the failed Job is replaced and runs once more.`,
        parent,
    );
}
