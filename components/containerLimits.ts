import * as docker from "@pulumi/docker";

/** Resource limits of a container: memory in MB, CPUs as a share of the host's (1.5 = one and a half CPUs). */
export interface ContainerLimits {
    memoryMb?: number;
    cpus?: number;
}

/** The Docker container arguments for `limits`; empty when there are none, so no input changes for stacks without. */
export function containerLimitArgs(limits: ContainerLimits | undefined): Pick<docker.ContainerArgs, "memory" | "cpus"> {
    return {
        ...(limits?.memoryMb === undefined ? {} : { memory: limits.memoryMb }),
        ...(limits?.cpus === undefined ? {} : { cpus: String(limits.cpus) }),
    };
}
