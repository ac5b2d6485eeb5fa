import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { ContainerLimits, containerLimitArgs } from "./containerLimits";

/** Where the data volume is mounted; PGDATA sits one level below so the volume's root never has to be empty. */
const DATA_MOUNT = "/var/lib/postgresql/data";

export interface PostgresDatabaseArgs {
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
    labels: docker.types.input.ContainerLabel[];
    limits?: ContainerLimits;
}

/**
 * One PostgreSQL container with its data on a named volume. Creation finishes only when the server is healthy, so
 * whatever depends on it can connect at once.
 */
export function createPostgresDatabase(args: PostgresDatabaseArgs, parent: pulumi.Resource): docker.Container {
    // The volume outlives the container: replacing the container (a new image, say) must never lose the data, and
    // removing a service from the stack leaves its volume for an operator to drop on purpose.
    const volume = new docker.Volume(`${args.name}-db-data`, { name: `${args.dockerName}-db-data` }, { parent, retainOnDelete: true });
    return new docker.Container(
        `${args.name}-db`,
        {
            name: `${args.dockerName}-db`,
            image: args.image,
            envs: [
                pulumi.interpolate`POSTGRES_PASSWORD=${args.ownerPassword}`,
                `POSTGRES_DB=${args.database}`,
                `POSTGRES_USER=${args.owner}`,
                `PGDATA=${DATA_MOUNT}/pgdata`,
            ],
            volumes: [{ volumeName: volume.name, containerPath: DATA_MOUNT }],
            networksAdvanced: [{ name: args.network, aliases: [args.alias] }],
            ports: args.hostPort === undefined ? [] : [{ internal: 5432, external: args.hostPort }],
            // Over TCP on purpose: during first-time init the image runs a temporary server on the Unix socket only,
            // which a socket check would report as ready before the real server is up. Durations are written as Go
            // prints them ("1m0s", not "60s"): the provider reads them back that way, and any other spelling shows
            // as a change on every preview.
            healthcheck: {
                tests: ["CMD", "pg_isready", "-h", "127.0.0.1", "-p", "5432", "-U", args.owner, "-d", args.database],
                interval: "1s",
                timeout: "5s",
                retries: 10,
                startPeriod: "1m0s",
            },
            wait: true,
            waitTimeout: 120,
            restart: "unless-stopped",
            labels: args.labels,
            ...containerLimitArgs(args.limits),
        },
        // Two servers must never share one data directory: the old container goes before the new one starts.
        { parent, deleteBeforeReplace: true },
    );
}
