/**
 * The contract phase of a Docker service, wired after its rollout: once every replica of the new release is serving,
 * a backup (where the service has `backup`), then the contract Flyway container (contractRun.ts). Both keep the
 * attempt protocol of contractAttempt.ts, so that either failing makes the next `pulumi up` run both again.
 *
 * Replicas a scale-down removes are deleted only at the end of the update (the engine deletes what the program no
 * longer registers after every create and update), so while the contract phase would run they may still serve the
 * previous release. When the replica after the last one configured is still on the host, the phase is deferred to
 * the next update, which finds it gone.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { logTail } from "../../flyway/log";
import { CONTRACT_FOLDER } from "../../flyway/migrationFiles";
import { contractNotRunError, contractOutcome, ContractPhase, reportContractFailure } from "../../service/contractPhase";
import type { ServiceFailure } from "../../service/inputsGate";
import { replicaName } from "../../service/names";
import type { MigrationOutcome } from "../../service/outcome";
import type { ServicePlan } from "../../service/plan";
import { whenCreated } from "../../service/whenCreated";
import { backupVolumeName, createBackupContainer } from "./backupContainer";
import { ATTEMPT_VARIABLE, contractContainerName, DEFERRED_VARIABLE, nextAttempt, wasDeferred, withoutExitLine } from "./contractAttempt";
import { containerExists, lastLogLine } from "./hostContainers";
import { contractFailedMessage } from "./contractRun";
import { createFlywayContainer } from "./flywayContainer";
import type { DockerServiceKeys } from "./dockerKeys";
import { exitCodeOutcome } from "./exitCodeGate";
import { backupTag } from "./preMigrationBackup";

export interface ContractSite {
    dockerName: string;
    network: pulumi.Input<string>;
    databaseHost: string;
    jdbcUrl: string;
    labels: (role: string) => docker.types.input.ContainerLabel[];
    /** The service's backups volume, when the service has `backup`. */
    backupVolume?: docker.Volume;
    failure: ServiceFailure;
}

/**
 * The contract phase, when the service has one. `whenRolledOut()` resolves once every replica of the new release is
 * serving, and rejects (with an error already said) when the migration or the rollout did not get there.
 */
export function dockerContractPhase(
    plan: ServicePlan<DockerServiceKeys>,
    site: ContractSite,
    whenRolledOut: () => pulumi.Output<pulumi.Resource[]>,
    parent: pulumi.Resource,
): ContractPhase | undefined {
    const contract = plan.migrations.contract;
    const files = plan.contractFiles;
    if (!contract || !files) return undefined;
    // Made only here: an Output that rejects, made and never read, would be reported with a stack.
    const rolledOut = whenRolledOut();
    const backupSettings = plan.args.backup;
    const backupName = `${site.dockerName}-backup-contract`;
    const lastLines = [contractContainerName(site.dockerName), ...(backupSettings ? [backupName] : [])].map((name) =>
        lastLogLine(name, parent),
    );
    const attempt = pulumi.all(lastLines).apply(nextAttempt);
    const leftover = replicaName(site.dockerName, plan.args.replicas + 1);
    const deferred = containerExists(leftover, parent).apply((exists) =>
        exists
            ? `deferred: ${leftover} of the previous configuration is still on the host, and is removed only at the end of ` +
              "this update; the next `pulumi up` runs the contract phase once it is gone"
            : "",
    );
    const attemptVariables = { [ATTEMPT_VARIABLE]: attempt, [DEFERRED_VARIABLE]: deferred };
    warnWhenDeferred(plan.name, deferred, parent);

    let dependsOn: pulumi.Output<pulumi.Resource[]> = rolledOut;
    let backup: docker.Container | undefined;
    if (backupSettings && site.backupVolume) {
        backup = createBackupContainer(
            {
                name: plan.name,
                dockerName: site.dockerName,
                image: plan.postgresImage,
                network: site.network,
                host: site.databaseHost,
                database: plan.names.database,
                owner: plan.names.owner,
                ownerPassword: plan.ownerPassword,
                tag: backupTag(plan, site.jdbcUrl, "contract"),
                keep: backupSettings.keep,
                timeoutSeconds: backupSettings.timeoutSeconds,
                labels: site.labels("backup"),
                volume: site.backupVolume,
                phase: "contract",
                attempt: attemptVariables,
                dependsOn: rolledOut,
                failure: site.failure,
            },
            parent,
        );
        dependsOn = afterBackup(plan.name, rolledOut, backup, backupVolumeName(site.dockerName), parent);
    }
    const run = createFlywayContainer(
        {
            name: plan.name,
            dockerName: site.dockerName,
            image: plan.flywayImage,
            network: site.network,
            environment: {
                ...plan.flywayEnvironment(site.jdbcUrl, { password: plan.ownerPassword, appPassword: plan.appPassword }, "contract"),
                ...attemptVariables,
            },
            files,
            labels: site.labels("contract-migration"),
            dependsOn,
            timeoutSeconds: plan.args.migrationTimeoutSeconds,
            failure: site.failure,
            phase: "contract",
        },
        parent,
    );
    const outcome = contractOutcome(
        dependsOn,
        () =>
            pulumi
                .all([exitCodeOutcome(plan.name, run, withoutExitLine), run.containerLogs])
                .apply(([ran, log]) =>
                    ran.status === "applied" && wasDeferred(log ?? "")
                        ? notRun(plan.name, "deferred: a replica removed by this update still served; the next `pulumi up` runs it")
                        : ran,
                ),
        notRun(plan.name, "the rollout or its backup did not complete"),
    );
    reportContractFailure(outcome, run, contractFailedMessage);
    return {
        run,
        outcome,
        files: contract.files.map((f) => `${CONTRACT_FOLDER}/${f.fileName}`),
        resources: backup ? [backup, run] : [run],
    };
}

function notRun(service: string, reason: string): MigrationOutcome {
    return { service, status: "not-run", reason };
}

/** Says, in a preview and in an update, that the contract phase waits for a replica this update removes. */
function warnWhenDeferred(service: string, deferred: pulumi.Output<string>, parent: pulumi.Resource): void {
    deferred.apply((why) => {
        if (why) void pulumi.log.warn(`${service}: the contract migrations are ${why}.`, parent);
    });
}

/**
 * What the contract run waits for with a backup: the backup's exit code 0 (its create finishes at its exit whatever the
 * code, see exitCodeGate.ts). A failed backup stops the contract phase, with pg_dump's log, once.
 */
function afterBackup(
    service: string,
    rolledOut: pulumi.Output<pulumi.Resource[]>,
    backup: docker.Container,
    volume: string,
    parent: pulumi.Resource,
): pulumi.Output<pulumi.Resource[]> {
    // A backup container that could not be created reads as no exit code; its provider's error is said by the engine.
    const exit = pulumi.recover(
        whenCreated(backup).apply(() => pulumi.all([backup.exitCode, backup.containerLogs])),
        (): [number | undefined, string | undefined] => [undefined, undefined],
    );
    let error: Error | undefined;
    // Thrown inside the apply, never returned as a rejecting Output (service/target.ts, point 5).
    return rolledOut
        .apply(() => exit)
        .apply(([code, log]): pulumi.Resource[] => {
            if (code === 0) return [backup];
            const why =
                code === undefined
                    ? "its backup container could not be created (see its error above)"
                    : `its backup before them failed with exit code ${code}. The backup's log:\n${logTail(withoutExitLine(log ?? ""))}\n` +
                      `Fix the cause (the database, or space for the volume ${volume} on the Docker host)`;
            throw (error ??= contractNotRunError(
                service,
                `${why}. Every replica runs the new release and keeps serving; the next \`pulumi up\` runs the backup and the ` +
                    "contract phase again.",
                parent,
            ));
        });
}
