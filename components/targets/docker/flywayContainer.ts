/**
 * The one-shot Flyway run on Docker (see ONE_SHOT: its create finishes at Flyway's exit, with the exit code and the
 * log for the gate). The container is only recreated when its inputs change, i.e. when migrations, images or credentials
 * change, so Flyway runs once per change rather than on every `pulumi up`.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { FLYWAY_SQL_DIR } from "../../flyway/config";
import { afterInputs, ServiceFailure } from "../../service/inputsGate";
import { madeOf } from "../../service/whenCreated";
import type { MigrationPhase } from "../../flyway/migrationFiles";
import { contractContainerName, markedScript } from "./contractAttempt";
import { dockerEnvs, ONE_SHOT, oneShotOptions } from "./dockerSpelling";
import { DATABASE_START_SECONDS } from "./postgresContainer";

export interface FlywayContainerArgs {
    name: string;
    dockerName: string;
    image: pulumi.Input<string>;
    network: pulumi.Input<string>;
    /** Every FLYWAY_* variable (components/flyway/config.ts). */
    environment: Record<string, pulumi.Input<string>>;
    /** The files of the SQL location, uploaded into /flyway/sql. */
    files: { name: string; content: string }[];
    labels: docker.types.input.ContainerLabel[];
    /** What must have finished first: the database, and any gate on other services. */
    dependsOn: pulumi.Input<pulumi.Input<pulumi.Resource>[]>;
    /**
     * The database container it migrates, when Flyway is the first to connect to it (the expand phase): its ID is a
     * label, so a new database container (a new image, say) runs Flyway again, which waits for the new server to
     * accept connections before anything that depends on the migration goes on (postgresContainer.ts: no `wait`).
     */
    database?: docker.Container;
    /** How long Flyway may run (the create lasts until it exits). */
    timeoutSeconds: number;
    /** What the container fails with when an input could not be created (inputsGate.ts). */
    failure: ServiceFailure;
    /**
     * The contract phase's run (`<service>-flyway-contract`) rather than the expand phase's: Flyway run through the
     * script that logs its exit and attempt last (contractAttempt.ts), `flyway` being on the PATH of the official image
     * and the stand-in.
     */
    phase?: MigrationPhase;
}

/** The label that names the database container a Flyway run migrated. */
export const DATABASE_CONTAINER_LABEL = "library.database-container";

/**
 * JVM options for a one-shot Flyway: its run is mostly class loading, and on a first deploy every service's Flyway
 * starts beside every database's initdb. C1 alone and the serial collector spend less CPU on that (three fresh
 * databases migrated at once on 2 cores: 15% sooner, docs/benchmarks.md). JAVA_TOOL_OPTIONS, because the JVM itself
 * reads it whatever the image's launcher is (HotSpot arguments.cpp), and prints that it did, first in the log.
 */
export const FLYWAY_JVM_OPTIONS = { JAVA_TOOL_OPTIONS: "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC" };

/**
 * Flyway starts with its database, not once it is healthy (postgresContainer.ts), and connects when the server
 * listens: while a new data directory is initialised, the image's temporary server listens on the Unix socket only
 * (docker-entrypoint.sh, docker_temp_server_start). Each failed attempt waits 1 s, doubled each time up to
 * CONNECT_RETRIES_INTERVAL (flyway-core JdbcUtils.openConnection; Flyway's connectRetries and connectRetriesInterval
 * docs): so once a second, for DATABASE_START_SECONDS attempts.
 */
export const WAIT_FOR_THE_DATABASE = {
    FLYWAY_CONNECT_RETRIES: String(DATABASE_START_SECONDS),
    FLYWAY_CONNECT_RETRIES_INTERVAL: "1",
};

export function createFlywayContainer(args: FlywayContainerArgs, parent: pulumi.Resource): docker.Container {
    const envs = dockerEnvs({ ...args.environment, ...WAIT_FOR_THE_DATABASE, ...FLYWAY_JVM_OPTIONS });
    // Every Output among the arguments, as given to the container: see service/inputsGate.ts for why all of them.
    const databaseLabel = args.database ? [{ label: DATABASE_CONTAINER_LABEL, value: args.database.id }] : [];
    const inputs = [args.image, args.network, ...envs, ...databaseLabel.map((label) => label.value)];
    const contract = args.phase === "contract";
    const container = new docker.Container(
        `${args.name}-flyway${contract ? "-contract" : ""}`,
        {
            name: contract ? contractContainerName(args.dockerName) : `${args.dockerName}-flyway`,
            image: args.image,
            ...(contract
                ? { entrypoints: ["/bin/sh", "-c", markedScript("flyway migrate")], command: ["flyway-contract"] }
                : { command: ["migrate"] }),
            envs,
            uploads: args.files.map((file) => ({ file: `${FLYWAY_SQL_DIR}/${file.name}`, content: file.content })),
            networksAdvanced: [{ name: args.network }],
            ...ONE_SHOT,
            labels: [...args.labels, ...databaseLabel],
        },
        // The create lasts until Flyway exits, which includes waiting for the server.
        oneShotOptions(parent, afterInputs(inputs, args.failure, args.dependsOn), args.timeoutSeconds + DATABASE_START_SECONDS),
    );
    return madeOf(container, inputs);
}
