/**
 * The Docker target: a service on one Docker host. Its database is a PostgreSQL container on a retained volume, its
 * migration a one-shot Flyway container (after a one-shot backup, when `backup` is set), its apps fixed-name
 * containers that wait for Flyway's exit code 0 and roll one at a time.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { jdbcUrl } from "../../service/appEnvironment";
import type { ServiceArguments } from "../../service/arguments";
import { serviceFailure } from "../../service/inputsGate";
import { migrationChain } from "../../service/migrationChain";
import { replicaName } from "../../service/names";
import type { ServicePlan } from "../../service/plan";
import type { ArgumentProblem, ServiceDeployment, ServiceTarget } from "../../service/target";
import { contractStep, previewSteps, rolledOutGate } from "../../service/contractPhase";
import { createAppContainers } from "./appContainers";
import { dockerContractPhase } from "./contractPhase";
import { DockerServiceKeys, dockerServiceKeys } from "./dockerKeys";
import { cpusProblem } from "./dockerSpelling";
import { exitCodeOutcome, migrationFailedError, warnInPreview } from "./exitCodeGate";
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

/** Arguments Docker would not keep as given: a `cpus` the provider reads back in another spelling, host ports past 65535. */
export function dockerArgumentProblems(args: ServiceArguments<DockerServiceKeys>): ArgumentProblem[] {
    const cpus = (["limits", "databaseLimits"] as const).flatMap((key) => {
        const value = args[key]?.cpus;
        const problem = value === undefined ? undefined : cpusProblem(value);
        return problem ? [{ key: `${key}.cpus`, message: problem }] : [];
    });
    const ports =
        args.hostPort !== undefined && args.hostPort + args.replicas - 1 > 65535
            ? [
                  {
                      key: "hostPort",
                      message:
                          `${args.hostPort} with ${args.replicas} replicas runs past port 65535; choose a hostPort of at most ` +
                          `${65536 - args.replicas}`,
                  },
              ]
            : [];
    return [...cpus, ...ports];
}

export class DockerTarget implements ServiceTarget<DockerServiceKeys> {
    readonly name = "docker";
    readonly serviceKeys = dockerServiceKeys;

    constructor(private readonly settings: DockerTargetArgs) {}

    argumentProblems(args: ServiceArguments<DockerServiceKeys>): ArgumentProblem[] {
        return dockerArgumentProblems(args);
    }

    deploy(plan: ServicePlan<DockerServiceKeys>, parent: pulumi.ComponentResource): ServiceDeployment {
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

        // What a container fails with when something it is made of could not be created. Called only once a failure
        // arrives, which is after the chain below exists.
        const failure = serviceFailure(name, parent, () => chain.appsGate);
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
                failure,
            },
            parent,
        );
        const backupSettings = args.backup;
        let restoreCommand: pulumi.Output<string> | undefined;
        let backupVolume: docker.Volume | undefined;
        let backupRun: docker.Container | undefined;
        const dependants = args.replicas === 1 ? "its app container was" : `its ${args.replicas} app containers were`;
        const chain = migrationChain<docker.Container>(plan, parent, {
            mustExist: [{ resource: database, reason: "its database container could not be created" }],
            waitFor: [database],
            before: backupSettings
                ? (notRun, notRunError) => {
                      const backup = preMigrationBackup(
                          plan,
                          backupSettings,
                          { dockerName, network, databaseHost, jdbcUrl: url, database, labels: labels("backup"), failure },
                          notRun,
                          notRunError,
                          parent,
                      );
                      restoreCommand = backup.restoreCommand;
                      backupVolume = backup.volume;
                      backupRun = backup.flywayWaitsFor[0] as docker.Container;
                      return { notRun: backup.notRun, waitFor: backup.flywayWaitsFor };
                  }
                : undefined,
            createRun: (dependsOn) =>
                createFlywayContainer(
                    {
                        name,
                        dockerName,
                        image: plan.flywayImage,
                        network,
                        environment: plan.flywayEnvironment(url, { password: plan.ownerPassword, appPassword: plan.appPassword }),
                        files: plan.flywayFiles,
                        labels: labels("migration"),
                        database,
                        dependsOn,
                        timeoutSeconds: args.migrationTimeoutSeconds,
                        failure,
                    },
                    parent,
                ),
            outcome: (flyway) => exitCodeOutcome(name, flyway),
            failedError: (outcome, flyway) => migrationFailedError(outcome, flyway, dependants),
        });
        warnInPreview(chain.migration, chain.run, parent);
        const apps = createAppContainers(
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
                dependsOn: chain.appsGate,
                failure,
            },
            parent,
        );
        const contract = dockerContractPhase(
            plan,
            { dockerName, network, databaseHost, jdbcUrl: url, labels, backupVolume, failure },
            () => rolledOutGate(name, chain.appsGate, apps.created, apps.replicas, parent),
            parent,
        );
        previewSteps(
            name,
            [
                ...(backupRun ? [{ what: "a backup", resources: [backupRun] }] : []),
                { what: "the migrations", resources: [chain.run] },
                { what: `the rollout of ${args.replicas} replicas`, resources: apps.replicas },
                ...(contract ? [{ what: contractStep(contract.files), resources: contract.resources }] : []),
            ],
            parent,
        );
        return {
            migration: chain.migration,
            appsGate: chain.appsGate,
            contract,
            databaseHost,
            appNames: Array.from({ length: args.replicas }, (_, i) => replicaName(dockerName, i + 1)),
            resources: { database, migration: chain.run, apps: apps.replicas },
            appsCreated: apps.created,
            restoreCommand,
        };
    }
}
