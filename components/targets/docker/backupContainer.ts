/**
 * The one-shot backup container on Docker: once the database container runs (the script waits for the server) and
 * before Flyway runs, it dumps the database into the service's backups volume (see backupScript.ts). Like the Flyway
 * container it is attached, so its create finishes at its exit, and only its inputs changing recreates it: its
 * `BACKUP_TAG` changes whenever the migration set or Flyway's settings do, so it runs exactly when Flyway is about to
 * run new migrations.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { reportedByEngine } from "../../service/reportedByEngine";
import { afterInputs, ServiceFailure } from "../../service/inputsGate";
import { madeOf } from "../../service/whenCreated";
import type { MigrationPhase } from "../../flyway/migrationFiles";
import { BACKUP_MOUNT, BACKUP_SCRIPT, BACKUP_SCRIPT_PATH } from "./backupScript";
import { markedScript } from "./contractAttempt";
import { dockerEnvs, ONE_SHOT, oneShotOptions } from "./dockerSpelling";
import { DATABASE_START_SECONDS } from "./postgresContainer";

export interface BackupContainerArgs {
    name: string;
    dockerName: string;
    /** The service's PostgreSQL image: its pg_dump matches the server. */
    image: pulumi.Input<string>;
    network: pulumi.Input<string>;
    /** The database's alias on the network. */
    host: string;
    database: string;
    owner: string;
    ownerPassword: pulumi.Input<string>;
    /** What the dumps' names say they precede (migrationSetTag). */
    tag: pulumi.Input<string>;
    keep: number;
    /** How long the dump may take (the create lasts until it exits). */
    timeoutSeconds: number;
    labels: docker.types.input.ContainerLabel[];
    /** The service's backups volume (createBackupVolume), which every backup of the service writes to. */
    volume: docker.Volume;
    /**
     * Which migration run the dumps precede: the expand phase's (the default), or the contract phase's, whose backup
     * also keeps the contract phase's attempt protocol (contractAttempt.ts), with these variables.
     */
    phase?: MigrationPhase;
    /** The contract phase only: its attempt variables (contractAttempt.ts). */
    attempt?: Record<string, pulumi.Input<string>>;
    /** The database container (the script waits for its server), and whatever else must come first. */
    dependsOn: pulumi.Input<pulumi.Input<pulumi.Resource>[]>;
    /** What the container fails with when an input could not be created (inputsGate.ts). */
    failure: ServiceFailure;
}

/** The name of a service's backups volume on the Docker host. */
export function backupVolumeName(dockerName: string): string {
    return `${dockerName}-backups`;
}

/** The volume every backup of a service writes to. */
export function createBackupVolume(name: string, dockerName: string, parent: pulumi.Resource): docker.Volume {
    // Kept on delete, like the data volume: dumps outlive the stack, the service and a `pulumi destroy`.
    return reportedByEngine(new docker.Volume(`${name}-backups`, { name: backupVolumeName(dockerName) }, { parent, retainOnDelete: true }));
}

export function createBackupContainer(args: BackupContainerArgs, parent: pulumi.Resource): docker.Container {
    const volume = args.volume;
    const suffix = args.phase === "contract" ? "-backup-contract" : "-backup";
    const envs = dockerEnvs({
        PGHOST: args.host,
        PGDATABASE: args.database,
        PGUSER: args.owner,
        PGPASSWORD: args.ownerPassword,
        BACKUP_SERVICE: args.name,
        BACKUP_TAG: args.tag,
        BACKUP_KEEP: String(args.keep),
        ...args.attempt,
    });
    // Every Output among the arguments, as given to the container: see service/inputsGate.ts for why all of them.
    const inputs = [args.image, args.network, ...envs, volume.name];
    const container = new docker.Container(
        `${args.name}${suffix}`,
        {
            name: `${args.dockerName}${suffix}`,
            image: args.image,
            entrypoints: args.phase === "contract" ? ["/bin/sh", "-c", markedScript(BACKUP_SCRIPT_PATH)] : [BACKUP_SCRIPT_PATH],
            uploads: [{ file: BACKUP_SCRIPT_PATH, content: BACKUP_SCRIPT, executable: true }],
            envs,
            volumes: [{ volumeName: volume.name, containerPath: BACKUP_MOUNT }],
            networksAdvanced: [{ name: args.network }],
            ...ONE_SHOT,
            labels: args.labels,
        },
        // The create lasts until the script exits, which includes waiting for the server (backupScript.ts).
        oneShotOptions(parent, afterInputs(inputs, args.failure, args.dependsOn), args.timeoutSeconds + DATABASE_START_SECONDS),
    );
    return madeOf(container, inputs);
}
