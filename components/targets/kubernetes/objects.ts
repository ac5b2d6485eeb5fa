/**
 * Names, labels and environment variables of a service's Kubernetes objects. Every object is named explicitly, after
 * the service: the provider names nothing itself under a program that does (and tests run without the provider).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** A key of a Kubernetes Secret: how a pod is given a password, by reference, never as a value. */
export class SecretKey {
    constructor(
        readonly secret: string,
        readonly key: string,
    ) {}
}

/**
 * The names of a service's objects in Kubernetes. (Their Pulumi names are these, except where two objects of one
 * service share a name: the Deployment is `<service>-app`, its Service `<service>-app-service`, its budget
 * `<service>-app-budget`, the database's policy `<service>-db-policy`.)
 */
export function objectNames(service: string) {
    return {
        /** The CloudNativePG Cluster; its read-write Service is `<cluster>-rw`. */
        cluster: `${service}-db`,
        /** The database owner's credentials (kubernetes.io/basic-auth), which CloudNativePG bootstraps with. */
        ownerSecret: `${service}-db-owner`,
        /** The app role's credentials. */
        appSecret: `${service}-db-app`,
        databasePolicy: `${service}-db`,
        job: `${service}-migrate`,
        /** The Deployment, its Service and its PodDisruptionBudget. */
        app: service,
    };
}

export type Component = "app" | "migration" | "database";

/** Recommended labels; `name` and `component` select the pods of one service's part. */
export function labels(service: string, component: Component): Record<string, string> {
    return {
        "app.kubernetes.io/name": service,
        "app.kubernetes.io/component": component,
        "app.kubernetes.io/part-of": "library",
        "app.kubernetes.io/managed-by": "pulumi",
    };
}

/** The labels that select a service's pods of one kind (a subset of `labels`). */
export function selector(service: string, component: Component): Record<string, string> {
    return { "app.kubernetes.io/name": service, "app.kubernetes.io/component": component };
}

/**
 * Container environment variables, sorted by name after `first` (variables that later values refer to as `$(NAME)`
 * must come first). A SecretKey becomes a secretKeyRef.
 */
export function envVars(
    environment: Record<string, pulumi.Input<string> | SecretKey>,
    first: k8s.types.input.core.v1.EnvVar[] = [],
): k8s.types.input.core.v1.EnvVar[] {
    const rest = Object.keys(environment)
        .sort()
        .map((name): k8s.types.input.core.v1.EnvVar => {
            const value = environment[name];
            return value instanceof SecretKey
                ? { name, valueFrom: { secretKeyRef: { name: value.secret, key: value.key } } }
                : { name, value };
        });
    return [...first, ...rest];
}

/** The values of `environment` that are given as values, not by Secret reference: what a gate must watch. */
export function givenValues(environment: Record<string, pulumi.Input<string> | SecretKey>): pulumi.Input<string>[] {
    return Object.values(environment).filter((value): value is pulumi.Input<string> => !(value instanceof SecretKey));
}

/** A service's limits as container resources: requests equal to limits, so the pod gets what it is limited to. */
export function resources(
    limits: { memoryMb?: number; cpus?: number } | undefined,
): k8s.types.input.core.v1.ResourceRequirements | undefined {
    if (!limits || (limits.memoryMb === undefined && limits.cpus === undefined)) return undefined;
    const amount = {
        ...(limits.memoryMb === undefined ? {} : { memory: `${limits.memoryMb}Mi` }),
        ...(limits.cpus === undefined ? {} : { cpu: String(limits.cpus) }),
    };
    return { requests: amount, limits: amount };
}

/**
 * What every pod of the stack meets: the Pod Security Standards' `restricted` profile, which the stack's namespace
 * enforces (kubernetesPlatform.ts). Read in kubernetes/pod-security-admission policy/: check_runAsNonRoot.go (pod or
 * every container true, none false), check_runAsUser.go (never 0), check_seccompProfile_restricted.go (RuntimeDefault
 * or Localhost), check_allowPrivilegeEscalation.go (false on every container, explicitly), check_capabilities_restricted.go
 * (drop ALL). A numeric user is given as well: the kubelet refuses runAsNonRoot for an image whose USER is a name (the
 * official Flyway image's is `flyway`), since it cannot tell that name is not root.
 */
export function restrictedPod(runAsUser: number): k8s.types.input.core.v1.PodSecurityContext {
    return { runAsNonRoot: true, runAsUser, runAsGroup: runAsUser, fsGroup: runAsUser, seccompProfile: { type: "RuntimeDefault" } };
}

/** Container hardening every container of the stack gets (see restrictedPod). */
export const RESTRICTED_CONTAINER: k8s.types.input.core.v1.SecurityContext = {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
    runAsNonRoot: true,
    seccompProfile: { type: "RuntimeDefault" },
};

/** The user the migration's container runs as: any non-root user reads the Flyway image's files (world-readable). */
export const MIGRATION_USER = 65532;
