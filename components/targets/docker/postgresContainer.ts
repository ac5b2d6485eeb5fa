/**
 * A service's PostgreSQL on Docker: one container with its data on a named volume that outlives it. Creation finishes
 * once the container has started, not once the server is healthy: whatever connects to it (Flyway, the backup) waits
 * for the server itself, so its start-up (a first-time initdb, a recovery) overlaps theirs instead of preceding it.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { ContainerLimits } from "../../service/arguments";
import { afterInputs, ServiceFailure } from "../../service/inputsGate";
import { reportedByEngine } from "../../service/reportedByEngine";
import { madeOf } from "../../service/whenCreated";
import { containerLimitArgs } from "./containerLimits";
import { dockerEnvs, goDuration, REPLACE_WHEN_NOT_INITIALIZED } from "./dockerSpelling";
import { POSTGRES_ENTRYPOINT_PATH, POSTGRES_ENTRYPOINT_SCRIPT } from "./postgresEntrypoint";

/** Where the data volume is mounted; PGDATA sits one level below so the volume's root never has to be empty. */
const DATA_MOUNT = "/var/lib/postgresql/data";

export interface PostgresContainerArgs {
    /** Prefix of the Pulumi names (the service's name). */
    name: string;
    /** Docker object names (container, volume) start with this. */
    dockerName: string;
    image: pulumi.Input<string>;
    network: pulumi.Input<string>;
    /** Stable DNS name of the database on the stack network. */
    alias: string;
    database: string;
    owner: string;
    ownerPassword: pulumi.Input<string>;
    hostPort?: number;
    /** Host address a published port listens on. */
    publishAddress: string;
    labels: docker.types.input.ContainerLabel[];
    limits?: ContainerLimits;
    /** What the container fails with when an input could not be created (inputsGate.ts). */
    failure: ServiceFailure;
}

/**
 * How long whatever connects first (Flyway, the backup) waits for the server to accept connections, in seconds: as
 * long as the provider's `wait` used to (a first-time initdb, a crash recovery).
 */
export const DATABASE_START_SECONDS = 120;

/** Seconds PostgreSQL gets to shut down on a replacement or removal. */
export const DATABASE_STOP_GRACE_SECONDS = 60;

export function createPostgresContainer(args: PostgresContainerArgs, parent: pulumi.Resource): docker.Container {
    // The volume outlives the container: replacing the container (a new image, say) must never lose the data, and
    // removing a service from the stack leaves its volume for an operator to drop on purpose.
    const volume = reportedByEngine(
        new docker.Volume(`${args.name}-db-data`, { name: `${args.dockerName}-db-data` }, { parent, retainOnDelete: true }),
    );
    const envs = dockerEnvs({
        POSTGRES_PASSWORD: args.ownerPassword,
        POSTGRES_DB: args.database,
        POSTGRES_USER: args.owner,
        PGDATA: `${DATA_MOUNT}/pgdata`,
    });
    // Every Output among the arguments, as given to the container: see service/inputsGate.ts for why all of them.
    const inputs = [args.image, args.network, ...envs, volume.name];
    const container = new docker.Container(
        `${args.name}-db`,
        {
            name: `${args.dockerName}-db`,
            image: args.image,
            envs,
            entrypoints: [POSTGRES_ENTRYPOINT_PATH],
            // With an entrypoint of ours, Docker does not take the image's CMD (moby daemon/commit.go, merge).
            command: ["postgres"],
            uploads: [{ file: POSTGRES_ENTRYPOINT_PATH, content: POSTGRES_ENTRYPOINT_SCRIPT, executable: true }],
            volumes: [{ volumeName: volume.name, containerPath: DATA_MOUNT }],
            networksAdvanced: [{ name: args.network, aliases: [args.alias] }],
            ports: args.hostPort === undefined ? [] : [{ internal: 5432, external: args.hostPort, ip: args.publishAddress }],
            // Over TCP on purpose: during first-time init the image runs a temporary server on the Unix socket only,
            // which a socket check would report as ready before the real server is up. Durations are written as Go
            // prints them ("1m0s", not "60s"): the provider reads them back that way, and any other spelling shows
            // as a change on every preview.
            healthcheck: {
                tests: ["CMD", "pg_isready", "-h", "127.0.0.1", "-p", "5432", "-U", args.owner, "-d", args.database],
                interval: goDuration(1),
                timeout: goDuration(5),
                retries: 10,
                startPeriod: goDuration(60),
            },
            // Not `wait`: the provider would return only once an inspection, one per second, sees the healthcheck pass
            // (resource_docker_container_funcs.go, create: waitForHealthyState's time.Sleep(time.Second)), and Flyway's
            // JVM would start only then. Flyway starts at once and retries its connection instead (flywayContainer.ts),
            // and runs again whenever this container is replaced (flywayContainer.ts, `database`), so every server
            // that serves the apps has accepted Flyway's connection. The healthcheck stays for `docker ps` and
            // operators. `wait` is no reason to replace (resource_docker_container.go): stacks deployed with it update
            // in place.
            wait: false,
            restart: "unless-stopped",
            // Without it the provider stops a container with a 0 s timeout, i.e. kills it (resource_docker_container_funcs.go,
            // delete), and every replacement ends in crash recovery. The image's stop signal, SIGINT, is a fast shutdown.
            destroyGraceSeconds: DATABASE_STOP_GRACE_SECONDS,
            labels: args.labels,
            ...containerLimitArgs(args.limits),
        },
        // Two servers must never share one data directory: the old container goes before the new one starts.
        { parent, dependsOn: afterInputs(inputs, args.failure), deleteBeforeReplace: true, ...REPLACE_WHEN_NOT_INITIALIZED },
    );
    return madeOf(container, inputs);
}
