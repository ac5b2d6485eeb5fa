/**
 * Migrate-only on Kubernetes: what to exclude so that no app pod is created, changed or removed; and what the contract
 * phase is, which migrate-only leaves out and contract-only runs alone.
 */

/**
 * The URN of `service`'s Deployment (Pulumi name `<service>-app`), written as a glob: `**` stands for the type chain,
 * and a glob, unlike a literal URN, is not required to exist already by `up --refresh` (deployment_executor.go,
 * checkTargets), so the first migrate-only run of a new stack works too. The Service and the disruption budget are
 * left to the run: they start no pod.
 */
export function appDeploymentGlob(project: string, stack: string, service: string): string {
    return `urn:pulumi:${stack}::${project}::**::${service}-app`;
}

/** Globs over the URNs of `service`'s contract phase: its Job and the ConfigMap of its migrations. */
export function contractGlobs(project: string, stack: string, service: string): string[] {
    return [
        `urn:pulumi:${stack}::${project}::**::${service}-migrate-contract`,
        `urn:pulumi:${stack}::${project}::**::${service}-contract-migrations-*`,
    ];
}
