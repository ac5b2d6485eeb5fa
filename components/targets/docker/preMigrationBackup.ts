/**
 * The pre-migration backup of a Docker service, wired into its chain: the backup container waits for the database
 * (and whatever the migration waits for), Flyway waits for the backup's exit code 0, and the operator gets the
 * command that restores a dump.
 */
import type { ServiceFailure } from "../../service/inputsGate";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { NotRun, whenMayMigrate } from "../../service/outcome";
import type { ServicePlan } from "../../service/plan";
import { backupVolumeName, createBackupContainer, createBackupVolume } from "./backupContainer";
import { notRunAfterBackup } from "./backupGate";
import { CONTRACT_FOLDER, MigrationPhase } from "../../flyway/migrationFiles";
import { migrationSetTag, restoreCommand } from "./backupScript";

export interface BackupSite {
    dockerName: string;
    network: pulumi.Input<string>;
    databaseHost: string;
    /** The JDBC URL Flyway is given: part of what the dumps' tag covers. */
    jdbcUrl: string;
    database: docker.Container;
    labels: docker.types.input.ContainerLabel[];
    /** What the backup container fails with when an input could not be created (inputsGate.ts). */
    failure: ServiceFailure;
}

export interface PreMigrationBackup {
    /** What Flyway waits for: the backup container. */
    flywayWaitsFor: pulumi.CustomResource[];
    /** Why the service must not migrate, now counting a failed backup; never rejects. */
    notRun: pulumi.Output<NotRun | undefined>;
    restoreCommand: pulumi.Output<string>;
    /** The service's backups volume, for the contract phase's backup. */
    volume: docker.Volume;
}

/**
 * What a phase's dumps are named for: everything its Flyway run is given but the passwords, so that the backup reruns
 * whenever that run would apply new migrations (an app password rotation alone reruns Flyway without a backup; it
 * migrates nothing). The contract phase's start with `contract-`.
 */
export function backupTag(plan: ServicePlan, jdbcUrl: string, phase: MigrationPhase): pulumi.Output<string> {
    const set = phase === "contract" ? plan.migrations.contract! : plan.migrations;
    const files = phase === "contract" ? plan.contractFiles! : plan.flywayFiles;
    return pulumi.output(plan.flywayImage).apply(
        (image) =>
            `${phase === "contract" ? `${CONTRACT_FOLDER}-` : ""}` +
            migrationSetTag(set, {
                image,
                files,
                environment: plan.flywayEnvironment(jdbcUrl, { password: "", appPassword: "" }, phase),
            }),
    );
}

export function preMigrationBackup(
    plan: ServicePlan,
    settings: { keep: number; timeoutSeconds: number },
    site: BackupSite,
    notRun: pulumi.Output<NotRun | undefined>,
    notRunError: (outcome: NotRun) => Error,
    parent: pulumi.Resource,
): PreMigrationBackup {
    const volume = backupVolumeName(site.dockerName);
    const volumeResource = createBackupVolume(plan.name, site.dockerName, parent);
    const backup = createBackupContainer(
        {
            name: plan.name,
            dockerName: site.dockerName,
            image: plan.postgresImage,
            network: site.network,
            host: site.databaseHost,
            database: plan.names.database,
            owner: plan.names.owner,
            ownerPassword: plan.ownerPassword,
            tag: backupTag(plan, site.jdbcUrl, "expand"),
            keep: settings.keep,
            timeoutSeconds: settings.timeoutSeconds,
            labels: site.labels,
            volume: volumeResource,
            dependsOn: whenMayMigrate(notRun, [site.database], notRunError),
            failure: site.failure,
        },
        parent,
    );
    return {
        flywayWaitsFor: [backup],
        volume: volumeResource,
        notRun: notRunAfterBackup(plan.name, notRun, backup, volume),
        // A stack output: it must settle even when the image could not be pulled (the failure is said elsewhere).
        restoreCommand: pulumi
            .recover(pulumi.output(plan.postgresImage), () => "<the service's PostgreSQL image>")
            .apply((postgresImage) =>
                restoreCommand({
                    volume,
                    postgresImage,
                    container: `${site.dockerName}-db`,
                    owner: plan.names.owner,
                    database: plan.names.database,
                }),
            ),
    };
}
