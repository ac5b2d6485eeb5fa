/**
 * The contract phase of a Docker service, wired after its rollout: once every replica of the new release is serving,
 * a backup (where the service has `backup`), then the contract Flyway container (contractRun.ts).
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { CONTRACT_FOLDER } from "../../flyway/migrationFiles";
import { contractNotRunError, ContractPhase, reportContractFailure } from "../../service/contractPhase";
import type { ServiceFailure } from "../../service/inputsGate";
import type { ServicePlan } from "../../service/plan";
import type { DockerServiceKeys } from "./dockerKeys";
import { createBackupContainer } from "./backupContainer";
import { notRunAfterBackup } from "./backupGate";
import { migrationSetTag } from "./backupScript";
import { backupVolumeName } from "./backupContainer";
import { contractFailedMessage, createContractContainer, flywayOutput } from "./contractRun";
import { exitCodeOutcome } from "./exitCodeGate";
import type { MigrationOutcome } from "../../service/outcome";

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
    const environment = plan.flywayEnvironment(site.jdbcUrl, { password: plan.ownerPassword, appPassword: plan.appPassword }, "contract");
    let dependsOn: pulumi.Output<pulumi.Resource[]> = rolledOut;
    const backupSettings = plan.args.backup;
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
                // Everything the contract run is given but the passwords: a new contract set is a new dump.
                tag: pulumi.output(plan.flywayImage).apply(
                    (image) =>
                        `${CONTRACT_FOLDER}-` +
                        migrationSetTag(contract, {
                            image,
                            files,
                            environment: plan.flywayEnvironment(site.jdbcUrl, { password: "", appPassword: "" }, "contract"),
                        }),
                ),
                keep: backupSettings.keep,
                timeoutSeconds: backupSettings.timeoutSeconds,
                labels: site.labels("backup"),
                volume: site.backupVolume,
                phase: "contract",
                dependsOn: rolledOut,
                failure: site.failure,
            },
            parent,
        );
        const contractBackup = backup;
        const problem = notRunAfterBackup(plan.name, pulumi.output(undefined), backup, backupVolumeName(site.dockerName));
        let error: Error | undefined;
        // Thrown inside the apply, never returned as a rejecting Output (see service/target.ts, point 5).
        dependsOn = rolledOut
            .apply(() => problem)
            .apply((stop): pulumi.Resource[] => {
                if (stop)
                    throw (error ??= contractNotRunError(
                        plan.name,
                        `its backup failed. ${stop.status === "not-run" ? (stop.fix ?? "") : ""}\nEvery replica runs the new ` +
                            "release and keeps serving; the next `pulumi up` runs the backup and the contract phase again.",
                        parent,
                    ));
                return [contractBackup];
            });
    }
    const run = createContractContainer(
        {
            name: plan.name,
            dockerName: site.dockerName,
            image: plan.flywayImage,
            network: site.network,
            environment,
            files,
            labels: site.labels("contract-migration"),
            dependsOn,
            timeoutSeconds: plan.args.migrationTimeoutSeconds,
            failure: site.failure,
        },
        parent,
    );
    // Never rejects: a rollout that did not complete, or a backup that failed, is a contract phase that did not run.
    const outcome = pulumi
        .recover(
            dependsOn.apply(() => true),
            () => false,
        )
        .apply((may) =>
            may
                ? exitCodeOutcome(plan.name, run, flywayOutput)
                : pulumi.output<MigrationOutcome>({
                      service: plan.name,
                      status: "not-run",
                      reason: "the rollout or its backup did not complete",
                  }),
        );
    reportContractFailure(outcome, run, contractFailedMessage);
    return {
        run,
        outcome,
        files: contract.files.map((f) => `${CONTRACT_FOLDER}/${f.fileName}`),
        resources: backup ? [backup, run] : [run],
    };
}
