/**
 * The names a service takes in the stack's namespace, by kind: the objects the program creates (objects.ts) and
 * those CloudNativePG creates for its Cluster (read in cloudnative-pg: api/v1/cluster_funcs.go, GetServiceReadWriteName
 * and its siblings; pkg/specs/services.go, roles.go, rolebinding.go, poddisruptionbudget.go, cluster_pki.go).
 */
import type { ServiceArguments } from "../../service/arguments";
import type { NameClaim } from "../definition";
import { DEFAULT_DATABASE } from "./database";
import type { KubernetesServiceKeys } from "./kubernetesKeys";
import { objectNames } from "./objects";
import { jobName } from "./migrationJob";

export function kubernetesNames(service: string, args: ServiceArguments<KubernetesServiceKeys>): NameClaim[] {
    const names = objectNames(service);
    const database = { ...DEFAULT_DATABASE, ...args.database };
    const cluster = names.cluster;
    const claims: NameClaim[] = [
        { kind: "Secret", name: names.ownerSecret, what: "its database owner's Secret" },
        { kind: "Secret", name: names.appSecret, what: "its app role's Secret" },
        { kind: "Job", name: names.job, what: "its migration Job" },
        // Claimed whether or not the service has contract migrations yet: adding them must not collide later.
        { kind: "Job", name: jobName(service, "contract"), what: "its contract phase's Job" },
        { kind: "NetworkPolicy", name: names.databasePolicy, what: "its database's NetworkPolicy" },
    ];
    if (args.replicas > 0) {
        claims.push(
            { kind: "Deployment", name: names.app, what: "its Deployment" },
            { kind: "Service", name: names.app, what: "its apps' Service" },
            ...(args.replicas >= 2 ? [{ kind: "PodDisruptionBudget", name: names.app, what: "its apps' disruption budget" }] : []),
        );
    }
    if (database.mode === "cloudnative-pg") {
        const operator = (kind: string, name: string, what: string): NameClaim => ({ kind, name, what: `CloudNativePG's ${what}` });
        claims.push(
            operator("Cluster", cluster, "its database Cluster"),
            ...["rw", "ro", "r", "any"].map((suffix) => operator("Service", `${cluster}-${suffix}`, `${suffix} Service of its database`)),
            ...["ca", "server", "replication", "superuser", "app", "pull"].map((suffix) =>
                operator("Secret", `${cluster}-${suffix}`, `${suffix} Secret of its database`),
            ),
            ...["ServiceAccount", "Role", "RoleBinding"].map((kind) => operator(kind, cluster, `${kind} of its database`)),
            operator("PodDisruptionBudget", `${cluster}-primary`, "disruption budget of its database's primary"),
            ...(database.instances >= 3 ? [operator("PodDisruptionBudget", cluster, "disruption budget of its database's replicas")] : []),
        );
    }
    return claims;
}
