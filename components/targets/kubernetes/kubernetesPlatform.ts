/**
 * What the library stack shares on a Kubernetes cluster: the stack's namespace, and the Kubernetes target every service
 * is deployed with. Images are referred to as written: the cluster pulls them.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { reportedByEngine } from "../../service/reportedByEngine";
import type { Platform } from "../definition";
import { KubernetesTarget } from "./kubernetesTarget";

export interface KubernetesPlatformArgs {
    /** The namespace's name; it is created. */
    namespace: string;
    operatorNamespace: string;
}

export function kubernetesPlatform(args: KubernetesPlatformArgs): Platform {
    const namespace = reportedByEngine(
        new k8s.core.v1.Namespace("namespace", {
            metadata: {
                name: args.namespace,
                labels: {
                    "app.kubernetes.io/part-of": "library",
                    "app.kubernetes.io/managed-by": "pulumi",
                    // Every pod of the stack meets the restricted Pod Security Standard (objects.ts, restrictedPod); the
                    // namespace enforces it, so nothing weaker is admitted there, by this program or anyone else.
                    "pod-security.kubernetes.io/enforce": "restricted",
                    "pod-security.kubernetes.io/warn": "restricted",
                    "pod-security.kubernetes.io/audit": "restricted",
                },
            },
        }),
    );
    return {
        target: new KubernetesTarget({
            namespace: namespace.metadata.name,
            namespaceObject: namespace,
            operatorNamespace: args.operatorNamespace,
        }),
        image: (reference) => reference,
        // As configured: an output read from the Namespace would reject, unread, when it could not be created.
        /** The stack's namespace. */
        outputs: { namespace: pulumi.output(args.namespace) },
    };
}
