/**
 * The Docker target: a service on one Docker host. Its database is a PostgreSQL container on a retained volume, its
 * migration a one-shot Flyway container (after a one-shot backup, when `backup` is set), its apps fixed-name
 * containers that wait for Flyway's exit code 0 and roll one at a time.
 */
import * as pulumi from "@pulumi/pulumi";
import { jdbcUrl } from "../../service/appEnvironment";
import type { ServiceArguments } from "../../service/arguments";
import { replicaName } from "../../service/names";
import { createProblem, notRunBecause, notRunErrors, whenMayMigrate } from "../../service/outcome";
import type { ServicePlan } from "../../service/plan";
import type { ArgumentProblem, ServiceDeployment, ServiceTarget } from "../../service/target";
import { createAppContainers } from "./appContainers";
import { cpusProblem } from "./dockerSpelling";
import { exitCodeOutcome, warnInPreview, whenMigrationApplied } from "./exitCodeGate";
import { createFlywayContainer } from "./flywayContainer";
import { createPostgresContainer } from "./postgresContainer";
import { preMigrationBackup } from "./preMigrationBackup";

export interface DockerTargetArgs {
    /** Name of the Docker network every container of the service joins (e.g. a docker.Network's `name`). */
    network: pulumi.Input<string>;
    /** Prefix of Docker object names, so two stacks can share one Docker host. Default: none. */
    namePrefix?: string;
    /** Host address that published ports listen on. Default 127.0.0.1: this host only. */
    publishAddress?: string;
}

/** Published ports listen on this host only unless a program says otherwise (Docker's own default is every interface). */
export const DEFAULT_PUBLISH_ADDRESS = "127.0.0.1";

/**
 * Arguments Docker would not keep as given: a `cpus` the provider reads back in another spelling, and the keys only
 * the Kubernetes target reads.
 */
export function dockerArgumentProblems(args: Pick<ServiceArguments, "limits" | "databaseLimits" | "database">): ArgumentProblem[] {
    const cpus = (["limits", "databaseLimits"] as const).flatMap((key) => {
        const value = args[key]?.cpus;
        const problem = value === undefined ? undefined : cpusProblem(value);
        return problem ? [{ key: `${key}.cpus`, message: problem }] : [];
    });
    const kubernetesOnly = (["database"] as const)
        .filter((key) => args[key] !== undefined)
        .map((key) => ({
            key,
            message:
                "is read on Kubernetes only; on Docker the database is a PostgreSQL container of the stack's own. " +
                "Remove it, or set target: kubernetes",
        }));
    return [...cpus, ...kubernetesOnly];
}

export class DockerTarget implements ServiceTarget {
    constructor(private readonly settings: DockerTargetArgs) {}

    argumentProblems(args: ServiceArguments): ArgumentProblem[] {
        return dockerArgumentProblems(args);
    }

    deploy(plan: ServicePlan, parent: pulumi.ComponentResource): ServiceDeployment {
        const { name, args } = plan;
        const dockerName = `${this.settings.namePrefix ?? ""}${name}`;
        const publishAddress = this.settings.publishAddress ?? DEFAULT_PUBLISH_ADDRESS;
        const network = this.settings.network;
        const databaseHost = `${name}-db`;
        const url = jdbcUrl(databaseHost, plan.names.database);
        const labels = (role: string) => [
            { label: "library.service", value: name },
            { label: "library.role", value: role },
        ];

        const database = createPostgresContainer(
            {
                name,
                dockerName,
                image: plan.postgresImage,
                network,
                alias: databaseHost,
                database: plan.names.database,
                owner: plan.names.owner,
                ownerPassword: plan.ownerPassword,
                hostPort: args.databaseHostPort,
                publishAddress,
                labels: labels("database"),
                limits: args.databaseLimits,
            },
            parent,
        );
        // Derived from values that always settle, never from a resource that may not register: an Output waiting on
        // one would never resolve, and the update would hang.
        const notRunError = notRunErrors(parent);
        const dbNotRun = notRunBecause(name, plan.upstreams, createProblem(database, "its database container could not be created"));
        const backup = args.backup
            ? preMigrationBackup(
                  plan,
                  args.backup,
                  { dockerName, network, databaseHost, jdbcUrl: url, database, labels: labels("backup") },
                  dbNotRun,
                  notRunError,
                  parent,
              )
            : undefined;
        const notRun = backup?.notRun ?? dbNotRun;
        const flyway = createFlywayContainer(
            {
                name,
                dockerName,
                image: plan.flywayImage,
                network,
                environment: plan.flywayEnvironment(url, { password: plan.ownerPassword, appPassword: plan.appPassword }),
                files: plan.flywayFiles,
                labels: labels("migration"),
                dependsOn: whenMayMigrate(notRun, backup?.flywayWaitsFor ?? [database], notRunError),
                timeoutSeconds: args.migrationTimeoutSeconds,
            },
            parent,
        );
        // A Flyway container that never registered has outputs that never resolve: only read them when it ran.
        const migration = notRun.apply((stop) => (stop ? pulumi.output(stop) : exitCodeOutcome(name, flyway)));
        warnInPreview(migration, flyway, parent);
        const dependants = args.replicas === 1 ? "its app container was" : `its ${args.replicas} app containers were`;
        const appsGate = whenMigrationApplied(migration, flyway, dependants, notRunError);
        createAppContainers(
            {
                name,
                dockerName,
                image: plan.appImage,
                network,
                replicas: args.replicas,
                port: args.port,
                hostPort: args.hostPort,
                publishAddress,
                environment: plan.appEnvironment(url, plan.appPassword),
                labels: labels("app"),
                limits: args.limits,
                health: args.health,
                rollout: args.rollout ?? "rolling",
                dependsOn: appsGate,
            },
            parent,
        );
        return {
            migration,
            appsGate,
            databaseHost,
            appNames: Array.from({ length: args.replicas }, (_, i) => replicaName(dockerName, i + 1)),
            restoreCommand: backup?.restoreCommand,
        };
    }
}
