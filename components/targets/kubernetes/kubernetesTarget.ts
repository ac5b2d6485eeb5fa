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
import type { MigrationSet } from "../../flyway/migrationFiles";
import type { ServiceArguments } from "../../service/arguments";
import { createProblem, MigrationOutcome, NotRun, notRunBecause, notRunErrors, whenMayMigrate } from "../../service/outcome";
import { resourceError } from "../../service/resourceError";
import type { ServicePlan } from "../../service/plan";
import { madeOf, registeredOf, whenCreated } from "../../service/whenCreated";
import type { ArgumentProblem, ServiceDeployment, ServiceTarget } from "../../service/target";
import { flywayFiles } from "../../flyway/config";
import { createApps } from "./apps";
import { createDatabase, DEFAULT_DATABASE, RequiredObject } from "./database";
import { CONFIG_MAP_LIMIT_BYTES, configMapBytes, createMigrationJob, createMigrationsConfigMap } from "./migrationJob";
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

/** Arguments the Kubernetes target cannot honour: Docker's host ports, an incomplete database, too many migrations. */
export function kubernetesArgumentProblems(args: ServiceArguments, migrations: MigrationSet): ArgumentProblem[] {
    const problems: ArgumentProblem[] = [];
    for (const key of ["hostPort", "databaseHostPort"] as const) {
        if (args[key] !== undefined) {
            problems.push({
                key,
                message:
                    "is read on Docker only; on Kubernetes the apps are reached through their Service " +
                    "(kubectl port-forward) and the database through its -rw Service. Remove it",
            });
        }
    }
    const dockerOnly: [string, unknown, string][] = [
        ["rollout", args.rollout, "the Deployment always rolls, one new pod at a time (maxUnavailable 0)"],
        ["backup", args.backup, "back up with CloudNativePG's own backups (a `backup` section on the Cluster)"],
        ["health.command", args.health.command, "the probes ask livenessPath and readinessPath over HTTP"],
    ];
    for (const [key, value, instead] of dockerOnly) {
        if (value !== undefined) problems.push({ key, message: `is read on Docker only; on Kubernetes ${instead}. Remove it` });
    }
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
    const bytes = configMapBytes(flywayFiles(migrations));
    if (bytes > CONFIG_MAP_LIMIT_BYTES) {
        problems.push({
            key: "migrations",
            message:
                `${migrations.folder}: ${(bytes / 1024).toFixed(0)} KiB of migrations do not fit the 1 MiB of a ConfigMap; ` +
                `squash the oldest ones into a baseline (Flyway's baselineVersion) or split large data migrations`,
        });
    }
    return problems;
}

export class KubernetesTarget implements ServiceTarget {
    constructor(private readonly settings: KubernetesTargetArgs) {}

    argumentProblems(args: ServiceArguments, migrations: MigrationSet): ArgumentProblem[] {
        return kubernetesArgumentProblems(args, migrations);
    }

    deploy(plan: ServicePlan, parent: pulumi.ComponentResource): ServiceDeployment {
        const namespace = this.settings.namespace;
        const names = objectNames(plan.name);
        const database = createDatabase(
            plan,
            { namespace, operatorNamespace: this.settings.operatorNamespace ?? DEFAULT_OPERATOR_NAMESPACE },
            parent,
        );
        const appSecret = new k8s.core.v1.Secret(
            names.appSecret,
            {
                metadata: { name: names.appSecret, namespace, labels: labels(plan.name, "database") },
                type: "kubernetes.io/basic-auth",
                stringData: { username: plan.names.appUser, password: plan.appPassword },
            },
            { parent },
        );
        madeOf(appSecret, [namespace, plan.appPassword]);
        const migrations = createMigrationsConfigMap(plan, namespace, parent);
        const namespaceObject = this.settings.namespaceObject;
        const problem = firstProblem([
            ...(namespaceObject ? [{ resource: namespaceObject, reason: "its namespace could not be created" }] : []),
            ...database.mustExist,
            { resource: appSecret, reason: "its app role's Secret could not be created" },
            { resource: migrations, reason: "its migrations' ConfigMap could not be created" },
        ]);
        const notRun = notRunBecause(plan.name, plan.upstreams, problem);
        const notRunError = notRunErrors(parent);
        const job = createMigrationJob(
            plan,
            { namespace, database, migrations, dependsOn: whenMayMigrate(notRun, [...database.resources, appSecret], notRunError) },
            parent,
        );
        const migration = notRun.apply((stop) => (stop ? pulumi.output<MigrationOutcome>(stop) : jobOutcome(plan.name, job)));
        const appsGate = whenJobCompleted(migration, job, notRunError, parent);
        if (plan.args.replicas > 0) {
            createApps(plan, { namespace, database, dependsOn: appsGate }, parent);
        }
        return { migration, appsGate, databaseHost: `${names.cluster}-rw`, appNames: plan.args.replicas > 0 ? [names.app] : [] };
    }
}

/** The first of `objects` that could not be created, as its reason; undefined when all were. */
function firstProblem(objects: RequiredObject[]): pulumi.Output<string | undefined> {
    return pulumi
        .all(objects.map(({ resource, reason }) => createProblem(resource, reason)))
        .apply((reasons) => reasons.find((reason) => reason !== undefined));
}

/** Applied once the Job completed (Pulumi awaits that); failed with the provider's error, which carries Flyway's log. */
function jobOutcome(service: string, job: k8s.batch.v1.Job): pulumi.Output<MigrationOutcome> {
    const completed = whenCreated(job)
        .apply(() => job.metadata.name)
        .apply((name): MigrationOutcome => ({
            service,
            status: "applied",
            summary: `applied by Job ${name}`,
        }));
    return pulumi.recover(completed, (error: unknown): MigrationOutcome => ({
        service,
        status: "failed",
        log: error instanceof Error ? error.message : String(error),
    }));
}

/**
 * The Deployment's dependsOn: the Job, once it completed; in an update, a failed or not-run migration stops the
 * Deployment from changing, with the service's error. In a preview the plan shows regardless.
 */
function whenJobCompleted(
    outcome: pulumi.Output<MigrationOutcome>,
    job: k8s.batch.v1.Job,
    notRunError: (outcome: NotRun) => Error,
    parent: pulumi.Resource,
): pulumi.Output<pulumi.Resource[]> {
    let failedError: Error | undefined;
    return outcome.apply((result): pulumi.Output<pulumi.Resource[]> => {
        if (result.status === "applied") return pulumi.output<pulumi.Resource[]>([job]);
        if (pulumi.runtime.isDryRun()) return registeredOf([job]);
        if (result.status === "failed") {
            throw (failedError ??= resourceError(
                `${result.service}: the migration Job failed, so its Deployment was not created or changed; its pods keep serving ` +
                    `the last good schema. The Job's error carries the end of Flyway's log (kubectl logs job/${result.service}-migrate). ` +
                    `Fix the migration and run \`pulumi up\` again: the failed Job is replaced and runs once more.`,
                parent,
            ));
        }
        throw notRunError(result);
    });
}
