/**
 * A service's limits as Docker container arguments, spelled as the provider reads them back.
 */
import * as docker from "@pulumi/docker";
import type { ContainerLimits } from "../../service/arguments";
import { dockerCpus } from "./dockerSpelling";

/**
 * The Docker container arguments for `limits`; empty when there are none, so no input changes for stacks without.
 *
 * Swap is set equal to memory, i.e. none: a JVM or PostgreSQL that swaps is slower than one that is stopped and
 * restarted. It is also what keeps the provider's read-back equal to our inputs: with memory alone, Docker sets
 * MemorySwap to twice the memory (moby daemon/daemon_unix.go), the provider reads it back, and every preview would
 * plan to remove it; a later raise of memory past that old swap would be refused by Docker.
 */
export function containerLimitArgs(limits: ContainerLimits | undefined): Pick<docker.ContainerArgs, "memory" | "memorySwap" | "cpus"> {
    return {
        ...(limits?.memoryMb === undefined ? {} : { memory: limits.memoryMb, memorySwap: limits.memoryMb }),
        ...(limits?.cpus === undefined ? {} : { cpus: dockerCpus(limits.cpus) }),
    };
}
