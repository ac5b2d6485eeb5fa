/**
 * What the library stack shares on a Kubernetes cluster: the stack's namespace, and the Kubernetes target every service
 * is deployed with. Images are referred to as written: the cluster pulls them.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { KubernetesTarget } from "./kubernetesTarget";

export interface KubernetesPlatformArgs {
    /** The namespace's name; it is created. */
    namespace: string;
    operatorNamespace: string;
}

export interface KubernetesPlatform {
    namespace: pulumi.Output<string>;
    target: KubernetesTarget;
    image(reference: string): pulumi.Input<string>;
}

export function kubernetesPlatform(args: KubernetesPlatformArgs): KubernetesPlatform {
    const namespace = new k8s.core.v1.Namespace("namespace", {
        metadata: { name: args.namespace, labels: { "app.kubernetes.io/part-of": "library", "app.kubernetes.io/managed-by": "pulumi" } },
    });
    return {
        namespace: namespace.metadata.name,
        target: new KubernetesTarget({
            namespace: namespace.metadata.name,
            namespaceObject: namespace,
            operatorNamespace: args.operatorNamespace,
        }),
        image: (reference) => reference,
    };
}
