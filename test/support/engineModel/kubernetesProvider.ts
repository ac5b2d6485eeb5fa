/**
 * The Kubernetes provider's rules, as far as the engine model needs them, read in pulumi/pulumi-kubernetes v4.32
 * (provider/pkg): which changes force a replacement (provider/diff.go, forceNew by kind), and what it does with a
 * Job that did not complete (await/job.go, provider.go's replaceUnready).
 */
import { isDeepStrictEqual } from "util";

type Props = Record<string, any>;

export const KUBERNETES = "kubernetes:";

/** Kind of a type token (`kubernetes:batch/v1:Job` → `Job`). */
function kindOf(type: string): string {
    return type.split(":").pop()!;
}

/** Paths whose change forces a replacement, by kind (diff.go); name and namespace do for every kind. */
const FORCE_NEW: Record<string, string[]> = {
    Job: ["spec.completions", "spec.parallelism", "spec.selector", "spec.template"],
    Deployment: ["spec.selector"],
    Service: ["spec.clusterIP"],
    // Immutable, and not mutable by the provider's defaults (enableConfigMapMutable / enableSecretMutable off).
    ConfigMap: ["data", "binaryData"],
    Secret: ["type", "stringData", "data"],
};

function at(object: Props | undefined, path: string): unknown {
    return path.split(".").reduce<any>((value, key) => (value === undefined ? undefined : value[key]), object);
}

/** The changed top-level inputs, and whether one of them forces a replacement. */
export function kubernetesDiff(type: string, stored: Props, inputs: Props): { changed: string[]; replace: boolean } {
    const keys = [...new Set([...Object.keys(inputs), ...Object.keys(stored)])].filter((k) => k !== "status");
    const changed = keys.filter((k) => !isDeepStrictEqual(inputs[k], stored[k])).sort();
    const forceNew = ["metadata.name", "metadata.namespace", ...(FORCE_NEW[kindOf(type)] ?? [])];
    return { changed, replace: forceNew.some((path) => !isDeepStrictEqual(at(inputs, path), at(stored, path))) };
}

/** A Job that did not complete is replaced by the next update when it asks for it (provider.go, replaceUnready). */
export function replacesUnready(type: string, inputs: Props): boolean {
    const annotations: Record<string, string> = inputs.metadata?.annotations ?? {};
    return kindOf(type) === "Job" && annotations["pulumi.com/replaceUnready"] === "true";
}

/** An update waits on the object again; a failed Job stays failed (its pods are gone), so it fails again. */
export function stillFailing(type: string): boolean {
    return kindOf(type) === "Job";
}
