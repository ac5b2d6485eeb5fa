/**
 * What the providers do with the inputs a program sends: the state they store (their read-back), which changes
 * they apply in place and which force a replacement. Read in the providers' source, each rule citing its file:
 * kreuzwerker/terraform-provider-docker v4.5.0 (what @pulumi/docker 5.x wraps, pulumi-docker provider/go.mod),
 * moby v28.5.2 for the Docker daemon's own defaults, and pulumi/pulumi-random.
 */
import { createHash } from "crypto";
import { isDeepStrictEqual } from "util";
import { dockerCpus } from "../../../components/targets/docker/dockerSpelling";
import { KUBERNETES, kubernetesDiff, replacesUnready, stillFailing } from "./kubernetesProvider";

export const CONTAINER = "docker:index/container:Container";
export const REMOTE_IMAGE = "docker:index/remoteImage:RemoteImage";
export const RANDOM_PASSWORD = "random:index/randomPassword:RandomPassword";
export const REGISTRY_IMAGE_INVOKE = "docker:index/getRegistryImage:getRegistryImage";
export const LOGS_INVOKE = "docker:index/getLogs:getLogs";

type Props = Record<string, any>;

export interface Diff {
    /** Inputs whose value differs from the stored state, in the provider's own comparison. */
    changed: string[];
    /** Whether any of them forces a replacement (ForceNew in the provider's schema). */
    replace: boolean;
}

/**
 * Container inputs the provider changes in place (resource_docker_container.go: these have no ForceNew; every other
 * input, cpus, ports, envs, labels, uploads, image and name among them, has ForceNew).
 */
const CONTAINER_IN_PLACE = new Set([
    "restart",
    "maxRetryCount",
    "memory",
    "memoryReservation",
    "memorySwap",
    "cpuShares",
    "cpuSet",
    "cpuPeriod",
    "cpuQuota",
    "healthcheck",
    "destroyGraceSeconds",
    "wait",
    "waitTimeout",
    "attach",
    "logs",
    "mustRun",
    "rm",
    "start",
    "removeVolumes",
    "init",
    "shmSize",
    "tmpfs",
    "containerReadRefreshTimeoutMilliseconds",
]);

/**
 * Container state the provider fills from the running container even when the program never set it (Computed in
 * the schema): when absent from the inputs, the stored value is not a diff. Anything else the state holds and the
 * inputs lack is planned as a removal (memorySwap, which Docker fills on its own, is Optional but not Computed).
 */
const CONTAINER_COMPUTED = new Set([
    "envs",
    "labels",
    "command",
    "entrypoints",
    "healthcheck",
    "hostname",
    "stopSignal",
    "stopTimeout",
    "logDriver",
    "runtime",
    "platform",
    "securityOpts",
    "ipcMode",
    "shmSize",
    "init",
    "exitCode",
    "containerLogs",
    "networkData",
    "bridge",
    "name",
]);

/** Defaults the schema fills into the inputs before comparing (Default: in resource_docker_container.go). */
function withContainerDefaults(inputs: Props): Props {
    const filled: Props = { ...inputs };
    if (inputs.ports) {
        // ports.ip Default "0.0.0.0", ports.protocol Default "tcp".
        filled.ports = sortPorts(inputs.ports.map((p: Props) => ({ ip: "0.0.0.0", protocol: "tcp", ...p })));
    }
    if (inputs.healthcheck) {
        // The four durations Default "0s", retries 0.
        filled.healthcheck = { interval: "0s", timeout: "0s", startPeriod: "0s", startInterval: "0s", retries: 0, ...inputs.healthcheck };
    }
    return filled;
}

// flattenContainerPorts (resource_docker_container_structures.go) sorts by internal port; the diff suppression
// (resource_docker_container.go, ports DiffSuppressFunc) matches ports by internal port, so order never matters.
function sortPorts(ports: Props[]): Props[] {
    return [...ports].sort((a, b) => a.internal - b.internal);
}

/** Go's time.Duration.String() of a duration written as Go accepts it ("60s" → "1m0s"): the healthcheck read-back. */
export function goDurationString(spelled: string): string {
    const units: Record<string, number> = { h: 3600e9, m: 60e9, s: 1e9, ms: 1e6, us: 1e3, ns: 1 };
    let nanos = 0;
    for (const [, amount, unit] of spelled.matchAll(/([0-9.]+)(h|ms|m|s|us|ns)/g)) nanos += Number(amount) * units[unit];
    if (nanos === 0) return "0s";
    if (nanos < 1e9) return nanos % 1e6 === 0 ? `${nanos / 1e6}ms` : `${nanos}ns`;
    const hours = Math.floor(nanos / 3600e9);
    const minutes = Math.floor((nanos % 3600e9) / 60e9);
    const seconds = (nanos % 60e9) / 1e9;
    return `${hours > 0 ? `${hours}h` : ""}${hours > 0 || minutes > 0 ? `${minutes}m` : ""}${seconds}s`;
}

/** docker/cli opts.ParseCPUs: a decimal number of CPUs as an exact count of nano-CPUs; refuses finer than 1e-9. */
export function parseCpus(spelled: string): number {
    const [whole, fraction = ""] = spelled.split(".");
    if (!/^\d*$/.test(whole) || !/^\d*$/.test(fraction) || fraction.replace(/0+$/, "").length > 9) {
        throw new Error(`invalid cpus value ${spelled}`);
    }
    return Number(whole || "0") * 1e9 + Number(fraction.padEnd(9, "0").slice(0, 9) || "0");
}

/** What the provider stores for a container created with `inputs` (create ends with Read: resource_docker_container_funcs.go). */
function containerReadBack(inputs: Props): Props {
    const state: Props = withContainerDefaults(inputs);
    if (inputs.cpus !== undefined) {
        // Read sets cpus from HostConfig.NanoCPUs through nanoInt64ToDecimalString (helpers.go).
        state.cpus = dockerCpus(parseCpus(inputs.cpus) / 1e9);
    }
    if (inputs.memory > 0 && !(inputs.memorySwap > 0) && inputs.memorySwap !== -1) {
        // moby daemon/daemon_unix.go: "By default, MemorySwap is set to twice the size of Memory"; Read stores it.
        state.memorySwap = inputs.memory * 2;
    }
    if (inputs.healthcheck) {
        // Read sets each duration with Duration.String() (resource_docker_container_funcs.go).
        const h = state.healthcheck;
        state.healthcheck = {
            ...h,
            interval: goDurationString(h.interval),
            timeout: goDurationString(h.timeout),
            startPeriod: goDurationString(h.startPeriod),
            startInterval: goDurationString(h.startInterval),
        };
    }
    return state;
}

function containerDiff(stored: Props, inputs: Props): Diff {
    const planned = withContainerDefaults(inputs);
    const changed = new Set<string>();
    for (const key of Object.keys(planned)) {
        if (!isDeepStrictEqual(planned[key], stored[key])) changed.add(key);
    }
    for (const key of Object.keys(stored)) {
        if (!(key in planned) && !CONTAINER_COMPUTED.has(key)) changed.add(key);
    }
    const keys = [...changed].sort();
    return { changed: keys, replace: keys.some((k) => !CONTAINER_IN_PLACE.has(k)) };
}

/**
 * The Docker daemon's rule for an in-place update of limits (moby container/container_unix.go UpdateContainer): a
 * memory limit above the memory swap already set is refused unless the update sets the swap too (the provider sends
 * memory_swap only when the inputs have it: resource_docker_container_funcs.go, update).
 */
function containerUpdate(stored: Props, inputs: Props): Props {
    const memorySwap = inputs.memorySwap > 0 || inputs.memorySwap === -1 ? inputs.memorySwap : stored.memorySwap;
    if (inputs.memory > 0 && memorySwap > 0 && inputs.memory > memorySwap) {
        throw new Error(
            "Error response from daemon: Cannot update container: Memory limit should be smaller than already set memoryswap limit, " +
                "update the memoryswap at the same time",
        );
    }
    // Update never calls Read: the state takes the new inputs, and keeps what the container reported (exit code, logs).
    return { ...stored, ...withContainerDefaults(inputs) };
}

/** The providers this project uses, as far as the engine model needs them. */
export const providers = {
    readBack(type: string, inputs: Props): Props {
        return type === CONTAINER ? containerReadBack(inputs) : { ...inputs };
    },

    diff(type: string, stored: Props, inputs: Props): Diff {
        if (type === CONTAINER) return containerDiff(stored, inputs);
        if (type.startsWith(KUBERNETES)) return kubernetesDiff(type, stored, inputs);
        const storedInputs = Object.keys(stored).filter((k) => !(OUTPUTS[type] ?? []).includes(k));
        const changed = [...new Set([...Object.keys(inputs), ...storedInputs])]
            .filter((k) => !isDeepStrictEqual(inputs[k], stored[k]))
            .sort();
        // RemoteImage: keepLocally is its only input without ForceNew (resource_docker_image.go). RandomPassword:
        // every input forces a new value (pulumi-random). Network and Volume: every input is ForceNew.
        return { changed, replace: changed.some((k) => !(type === REMOTE_IMAGE && k === "keepLocally")) };
    },

    /** Whether a change of the inputs `keys` alone forces a replacement (as diff decides from ForceNew). */
    replacesFor(type: string, keys: string[]): boolean {
        if (type === CONTAINER) return keys.some((k) => !CONTAINER_IN_PLACE.has(k));
        return keys.some((k) => !(type === REMOTE_IMAGE && k === "keepLocally"));
    },

    update(type: string, stored: Props, inputs: Props): Props {
        return type === CONTAINER ? containerUpdate(stored, inputs) : { ...stored, ...inputs };
    },

    /**
     * Whether a failed create leaves the object in the state, with init errors: a container (the Docker provider sets
     * its id before it starts it: resource_docker_container_funcs.go) and any Kubernetes object (a PartialError).
     */
    keepsPartialState(type: string): boolean {
        return type === CONTAINER || type.startsWith(KUBERNETES);
    },

    replacesUnready,
    stillFailing,
};

/** Outputs a resource of each type reports besides its inputs. */
const OUTPUTS: Record<string, string[]> = { [REMOTE_IMAGE]: ["imageId", "repoDigest"], [RANDOM_PASSWORD]: ["result", "bcryptHash"] };

/** A stand-in digest, stable for a given text. */
export function digestOf(text: string): string {
    return `sha256:${createHash("sha256").update(text).digest("hex")}`;
}
