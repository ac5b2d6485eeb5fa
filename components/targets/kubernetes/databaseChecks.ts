/**
 * What the API server and CloudNativePG would refuse (or ignore) in a service's `database`, refused here first: names
 * that are not DNS subdomains (a Secret's and a StorageClass's names must be, apimachinery validation/names.go,
 * IsDNS1123Subdomain), a volume of no size (the Cluster's storage is a positive quantity), and, with an external
 * database, the keys only a Cluster of the stack's own reads.
 */
import type { ServiceArguments } from "../../service/arguments";
import type { ArgumentProblem } from "../../service/target";
import type { KubernetesServiceKeys } from "./kubernetesKeys";

/** RFC 1123 subdomain: lower-case alphanumerics, '-' and '.', starting and ending alphanumeric, at most 253. */
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function databaseProblems(args: ServiceArguments<KubernetesServiceKeys>): ArgumentProblem[] {
    const database = args.database;
    if (!database) return [];
    const problems: ArgumentProblem[] = [];
    for (const key of ["secret", "storageClass"] as const) {
        const value = database[key];
        if (value !== undefined && !DNS_SUBDOMAIN.test(value)) {
            problems.push({
                key: `database.${key}`,
                message:
                    `'${value}' is not a valid Kubernetes object name (lower-case letters, digits, '-' and '.'); ` +
                    `use the name as kubectl lists it`,
            });
        }
    }
    if (database.mode === "cloudnative-pg" && database.storage !== undefined && Number.parseFloat(database.storage) === 0) {
        problems.push({
            key: "database.storage",
            message: `'${database.storage}' is no space at all; give each instance a size, e.g. 10Gi`,
        });
    }
    if (database.mode === "external") {
        // These have no defaults in the schema (kubernetesKeys.ts), so a value here is one the stack file set.
        for (const key of ["instances", "storage", "storageClass"] as const) {
            if (database[key] !== undefined) {
                problems.push({
                    key: `database.${key}`,
                    message: "is read with mode cloudnative-pg only; an external database is sized by whoever runs it. Remove it",
                });
            }
        }
    }
    return problems;
}
