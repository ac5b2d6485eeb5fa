/**
 * What depends on the stack's target: the keys only one target reads, the default PostgreSQL image of each, which
 * images each can run, and Kubernetes' names. A key set for the other target is an error, not silently ignored.
 */
import type { MigrationSet } from "../flyway/migrationFiles";
import type { ArgumentProblem } from "../service/target";
import { dockerArgumentProblems } from "../targets/docker/dockerTarget";
import { kubernetesArgumentProblems } from "../targets/kubernetes/kubernetesTarget";
import type { ServiceConfig } from "./stackConfig";

export type Target = "docker" | "kubernetes";

/** Each target's default PostgreSQL image: the Docker Hub image, or a CloudNativePG operand image. */
export const DEFAULT_POSTGRES_IMAGE: Record<Target, string> = {
    docker: "postgres:17",
    kubernetes: "ghcr.io/cloudnative-pg/postgresql:17-standard-trixie",
};

/** Stack-wide keys only one target reads. */
const ONLY: Record<string, Target> = { publishAddress: "docker", followImageTags: "docker", kubernetes: "kubernetes" };

/** A Kubernetes object name that is also a DNS label (RFC 1123): namespaces, and the names services give objects. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Stack-wide keys set for the other target, and a namespace Kubernetes would refuse. */
export function stackTargetProblems(
    namespace: string,
    target: Target,
    raw: Record<string, unknown>,
    kubernetesNamespace: string,
): string[] {
    const problems = Object.entries(ONLY)
        .filter(([key, only]) => only !== target && raw[key] !== undefined)
        .map(([key, only]) => `${namespace}:${key}: is read on ${only} only, and this stack's target is ${target}; remove it`);
    if (target === "kubernetes" && !DNS_LABEL.test(kubernetesNamespace)) {
        problems.push(
            `${namespace}:kubernetes.namespace: '${kubernetesNamespace}' is not a valid namespace name (lower-case letters, digits ` +
                `and '-', at most 63); set kubernetes.namespace, e.g. library-prod`,
        );
    }
    return problems;
}

/** Why `target` cannot run `image` as a database, or undefined. */
export function postgresImageProblem(target: Target, image: string): string | undefined {
    const repository = image.split("@")[0].replace(/:[^/]*$/, "");
    const dockerHubPostgres = /^((docker\.io|index\.docker\.io)\/)?(library\/)?postgres$/.test(repository);
    if (target === "kubernetes" && dockerHubPostgres) {
        return (
            `'${image}' is Docker Hub's postgres image, which CloudNativePG cannot run (its postgres user has another UID, and ` +
            `initdb fails); use a CloudNativePG operand image, e.g. ${DEFAULT_POSTGRES_IMAGE.kubernetes}`
        );
    }
    if (target === "docker" && repository === "ghcr.io/cloudnative-pg/postgresql") {
        return (
            `'${image}' is a CloudNativePG operand image, which has no docker-entrypoint.sh to start on Docker; ` +
            `use e.g. ${DEFAULT_POSTGRES_IMAGE.docker}`
        );
    }
    return undefined;
}

/** A service's arguments its target cannot honour. */
export function serviceTargetProblems(target: Target, service: ServiceConfig, migrations: MigrationSet | undefined): ArgumentProblem[] {
    if (target === "docker") return dockerArgumentProblems(service);
    return migrations ? kubernetesArgumentProblems(service, migrations) : [];
}
