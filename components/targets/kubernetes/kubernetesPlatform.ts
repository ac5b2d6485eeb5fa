/**
 * What the library stack shares on a Kubernetes cluster: the stack's namespace, and the Kubernetes target every service
 * is deployed with. Images are referred to as written: the cluster pulls them.
 */
import * as k8s from "@pulumi/kubernetes";
import type { Platform } from "../definition";
import { KubernetesTarget } from "./kubernetesTarget";

export interface KubernetesPlatformArgs {
    /** The namespace's name; it is created. */
    namespace: string;
    operatorNamespace: string;
}

export function kubernetesPlatform(args: KubernetesPlatformArgs): Platform {
    const namespace = new k8s.core.v1.Namespace("namespace", {
        metadata: { name: args.namespace, labels: { "app.kubernetes.io/part-of": "library", "app.kubernetes.io/managed-by": "pulumi" } },
    });
    return {
        target: new KubernetesTarget({
            namespace: namespace.metadata.name,
            namespaceObject: namespace,
            operatorNamespace: args.operatorNamespace,
        }),
        image: (reference) => reference,
        /** The stack's namespace. */
        outputs: { namespace: namespace.metadata.name },
    };
}
