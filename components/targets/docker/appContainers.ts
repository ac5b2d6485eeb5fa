/**
 * A service's app containers on Docker, all created together once the migration gate opens. Each replica's inputs
 * depend only on its own index, so scaling from 3 to 5 adds replicas 4 and 5 and leaves 1 to 3 alone, and scaling down
 * removes the highest. All replicas share the service's name as a network alias: other containers reach them
 * round-robin at http://<service>:<port>.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { ContainerLimits } from "../../service/arguments";
import { replicaName } from "../../service/names";
import { containerLimitArgs } from "./containerLimits";
import { dockerEnvs, REPLACE_WHEN_NOT_INITIALIZED } from "./dockerSpelling";

export interface AppContainersArgs {
    name: string;
    dockerName: string;
    image: pulumi.Input<string>;
    network: pulumi.Input<string>;
    replicas: number;
    port: number;
    hostPort?: number;
    /** Host address published ports listen on. */
    publishAddress: string;
    environment: Record<string, pulumi.Input<string>>;
    labels: docker.types.input.ContainerLabel[];
    limits?: ContainerLimits;
    /** Resolves only once the service's migration applied; see exitCodeGate.ts. */
    dependsOn: pulumi.Input<pulumi.Input<pulumi.Resource>[]>;
}

/**
 * Seconds an app gets to shut down before the provider kills it (it would otherwise stop it with a 0 s timeout:
 * resource_docker_container_funcs.go, delete). Spring Boot's graceful shutdown waits up to 30 s by default
 * (spring.lifecycle.timeout-per-shutdown-phase).
 */
export const APP_STOP_GRACE_SECONDS = 30;

export function createAppContainers(args: AppContainersArgs, parent: pulumi.Resource): docker.Container[] {
    const envs = dockerEnvs(args.environment);
    return Array.from({ length: args.replicas }, (_, index) => {
        const i = index + 1;
        return new docker.Container(
            replicaName(args.name, i),
            {
                name: replicaName(args.dockerName, i),
                image: args.image,
                envs,
                networksAdvanced: [{ name: args.network, aliases: [args.name] }],
                ports:
                    args.hostPort === undefined ? [] : [{ internal: args.port, external: args.hostPort + index, ip: args.publishAddress }],
                restart: "unless-stopped",
                destroyGraceSeconds: APP_STOP_GRACE_SECONDS,
                labels: [...args.labels, { label: "library.replica", value: String(i) }],
                ...containerLimitArgs(args.limits),
            },
            // The name (and a host port, if any) belongs to one container at a time, so a replacement removes the
            // old replica first.
            { parent, dependsOn: args.dependsOn, deleteBeforeReplace: true, ...REPLACE_WHEN_NOT_INITIALIZED },
        );
    });
}
