/**
 * Migrate-only on Docker: what to exclude so that no app container is created, changed or removed; and what the
 * contract phase is, which migrate-only leaves out and contract-only runs alone.
 */
import { SERVICE_WITH_MIGRATIONS_TYPE } from "../../service/serviceWithMigrations";

const CONTAINER_TYPE = "docker:index/container:Container";

/**
 * A glob over the URNs of every app container `service` has or could have (`<service>-app-*`). A glob and not a
 * list: `up --refresh` fails on an excluded literal URN that is not in the stack (deployment_executor.go,
 * checkTargets), and a literal per possible replica would name ~100 that never exist. `*` does not cross ':'
 * (deployment.go, getMatcher), so the glob stays inside the component's containers.
 */
export function appContainersGlob(project: string, stack: string, service: string): string {
    return `urn:pulumi:${stack}::${project}::${SERVICE_WITH_MIGRATIONS_TYPE}$${CONTAINER_TYPE}::${service}-app-*`;
}

/**
 * Globs over the URNs of `service`'s contract phase: its Flyway container and its backup (`<service>-flyway-contract`,
 * `<service>-backup-contract`), written as globs for the same reason.
 */
export function contractGlobs(project: string, stack: string, service: string): string[] {
    return ["flyway", "backup"].map(
        (role) => `urn:pulumi:${stack}::${project}::${SERVICE_WITH_MIGRATIONS_TYPE}$${CONTAINER_TYPE}::${service}-${role}-contract*`,
    );
}
