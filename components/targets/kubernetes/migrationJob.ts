/**
 * The one migration run on Kubernetes: a batch/v1 Job running the same Flyway image and configuration as on Docker,
 * with the service's migrations in an immutable ConfigMap whose name carries a hash of its content.
 *
 * Read in pulumi-kubernetes (v4.32, provider/pkg): Pulumi awaits a Job until Complete, and fails at once on a Failed
 * condition with reason BackoffLimitExceeded or DeadlineExceeded (await/checker/job/check.go), with the pods'
 * termination messages in the error; `terminationMessagePolicy: FallbackToLogsOnError` puts the tail of Flyway's log
 * there. A changed pod template replaces a Job (provider/diff.go), and an explicitly named object is deleted before
 * its replacement is created (provider.go). A failed Job stays in the state, not ready; `pulumi.com/replaceUnready`
 * makes the next update replace it, i.e. run the migration again.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import { FLYWAY_SQL_DIR } from "../../flyway/config";
import { afterInputs, ServiceFailure } from "../../service/inputsGate";
import type { ServicePlan } from "../../service/plan";
import { madeOf } from "../../service/whenCreated";
import type { MigrationPhase } from "../../flyway/migrationFiles";
import type { KubernetesDatabase } from "./database";
import { envVars, givenValues, labels, MIGRATION_USER, objectNames, RESTRICTED_CONTAINER, restrictedPod, SecretKey } from "./objects";

/** What the migration's container asks for and is limited to. */
const MIGRATION_RESOURCES: k8s.types.input.core.v1.ResourceRequirements = {
    requests: { cpu: "100m", memory: "384Mi" },
    limits: { cpu: "1", memory: "512Mi" },
};

/** A ConfigMap holds at most 1 MiB (Kubernetes' limit on an object's data). */
export const CONFIG_MAP_LIMIT_BYTES = 1024 * 1024;

/** Bytes the migrations take in a ConfigMap: every file name and content. */
export function configMapBytes(files: readonly { name: string; content: string }[]): number {
    return files.reduce((sum, f) => sum + Buffer.byteLength(f.name) + Buffer.byteLength(f.content), 0);
}

/**
 * `<service>-migrations-<hash>` (`<service>-contract-migrations-<hash>` for the contract phase): a new set of
 * migrations is a new ConfigMap, and so a new Job.
 */
export function configMapName(
    service: string,
    files: readonly { name: string; content: string }[],
    phase: MigrationPhase = "expand",
): string {
    const hash = createHash("sha256");
    for (const file of [...files].sort((a, b) => (a.name < b.name ? -1 : 1))) hash.update(`${file.name}\0${file.content}\0`);
    return `${service}-${phase === "contract" ? "contract-" : ""}migrations-${hash.digest("hex").slice(0, 10)}`;
}

/** The Job of a phase: `<service>-migrate`, and `<service>-migrate-contract` for the contract phase. */
export function jobName(service: string, phase: MigrationPhase = "expand"): string {
    return `${objectNames(service).job}${phase === "contract" ? "-contract" : ""}`;
}

export interface MigrationJobArgs {
    namespace: pulumi.Input<string>;
    database: KubernetesDatabase;
    /** The service's migrations (createMigrationsConfigMap). */
    migrations: k8s.core.v1.ConfigMap;
    /** What must have finished first: the database, and any gate on other services (see service/outcome.ts). */
    dependsOn: pulumi.Input<pulumi.Input<pulumi.Resource>[]>;
    /** What the service's objects fail with when an input could not be created (service/inputsGate.ts). */
    failure: ServiceFailure;
    /** Which phase's migrations the Job runs (the expand phase's by default). */
    phase?: MigrationPhase;
}

/** The files of a phase's Flyway location: the migrations and the app-role callback. */
function phaseFiles(plan: ServicePlan, phase: MigrationPhase): { name: string; content: string }[] {
    return phase === "contract" ? (plan.contractFiles ?? []) : plan.flywayFiles;
}

/** A phase's migrations, immutable, under a name that changes with their content. */
export function createMigrationsConfigMap(
    plan: ServicePlan,
    namespace: pulumi.Input<string>,
    failure: ServiceFailure,
    parent: pulumi.Resource,
    phase: MigrationPhase = "expand",
): k8s.core.v1.ConfigMap {
    const files = phaseFiles(plan, phase);
    const name = configMapName(plan.name, files, phase);
    const configMap = new k8s.core.v1.ConfigMap(
        name,
        {
            metadata: { name, namespace, labels: labels(plan.name, "migration") },
            immutable: true,
            data: Object.fromEntries(files.map((f) => [f.name, f.content])),
        },
        { parent, dependsOn: afterInputs([namespace], failure) },
    );
    return madeOf(configMap, [namespace]);
}

export function createMigrationJob(plan: ServicePlan, args: MigrationJobArgs, parent: pulumi.Resource): k8s.batch.v1.Job {
    const names = objectNames(plan.name);
    const name = jobName(plan.name, args.phase);
    const timeout = plan.args.migrationTimeoutSeconds;
    const environment = plan.flywayEnvironment(
        args.database.jdbcUrl,
        {
            user: args.database.owner,
            password: args.database.ownerPassword,
            appPassword: new SecretKey(names.appSecret, "password"),
        },
        args.phase,
    );
    // Read once: each read of a lifted property is a new Output, and one the Job never serialises (its gate rejected)
    // would reject unread (service/inputsGate.ts).
    const configMapName = args.migrations.metadata.name;
    const inputs = [args.namespace, plan.flywayImage, args.migrations.urn, configMapName, ...givenValues(environment)];
    const job = new k8s.batch.v1.Job(
        name,
        {
            metadata: {
                name,
                namespace: args.namespace,
                labels: labels(plan.name, "migration"),
                // A Job that did not complete is replaced on the next update, so that it runs again.
                annotations: { "pulumi.com/replaceUnready": "true" },
            },
            spec: {
                // Flyway fails for a reason a rerun would not fix (a bad migration, a changed applied file); a blip is
                // covered by its connect retries. Only a pod the cluster disrupts (evicted, preempted) is run again.
                backoffLimit: 0,
                podFailurePolicy: { rules: [{ action: "Ignore", onPodConditions: [{ type: "DisruptionTarget", status: "True" }] }] },
                // Kubernetes stops the run before Pulumi stops waiting, so the error says DeadlineExceeded.
                activeDeadlineSeconds: timeout,
                // No ttlSecondsAfterFinished: a Job Kubernetes removed is dropped by the next refresh and run again.
                template: {
                    metadata: { labels: labels(plan.name, "migration") },
                    spec: {
                        restartPolicy: "Never",
                        securityContext: restrictedPod(MIGRATION_USER),
                        containers: [
                            {
                                name: "flyway",
                                image: plan.flywayImage,
                                args: ["migrate"],
                                env: envVars(environment, args.database.env),
                                volumeMounts: [{ name: "migrations", mountPath: FLYWAY_SQL_DIR, readOnly: true }],
                                terminationMessagePolicy: "FallbackToLogsOnError",
                                securityContext: RESTRICTED_CONTAINER,
                                // A namespace with a ResourceQuota admits no pod without them; Flyway's JVM needs little.
                                resources: MIGRATION_RESOURCES,
                            },
                        ],
                        volumes: [{ name: "migrations", configMap: { name: configMapName } }],
                    },
                },
            },
        },
        {
            parent,
            dependsOn: afterInputs(inputs, args.failure, args.dependsOn),
            // Every field of a Job's spec is immutable; any change is a new Job, which runs the migration.
            replaceOnChanges: ["spec"],
            deleteBeforeReplace: true,
            customTimeouts: { create: `${timeout + 120}s`, update: `${timeout + 120}s` },
        },
    );
    // Exactly the gate's inputs: its gate waits for the service's outcome, which reads whenCreated of this very Job.
    return madeOf(job, inputs);
}
