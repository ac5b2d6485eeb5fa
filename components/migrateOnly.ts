import { appResourceName } from "./appReplicas";
import { MAX_REPLICAS } from "./stackConfig";
import { SERVICE_WITH_MIGRATIONS_TYPE } from "./serviceWithMigrations";

/**
 * Migrate-only runs: `pulumi up` with every app container excluded, so a pipeline can migrate as its own step and
 * roll out the apps afterwards. Excluding (rather than not registering) matters: a program that left the apps out
 * would make Pulumi delete the running ones.
 */

const CONTAINER_TYPE = "docker:index/container:Container";

/** URN of replica `i` of `service`'s app containers, as the engine names it (component type $ container type). */
export function appContainerUrn(project: string, stack: string, service: string, i: number): string {
    return `urn:pulumi:${stack}::${project}::${SERVICE_WITH_MIGRATIONS_TYPE}$${CONTAINER_TYPE}::${appResourceName(service, i)}`;
}

/**
 * `--exclude` arguments for every app container each service could have (replicas 1 to MAX_REPLICAS, not only the
 * configured ones), so that a migrate-only run neither creates, updates nor deletes any app container, including
 * replicas a scale-down is about to remove.
 */
export function migrateOnlyArgs(project: string, stack: string, services: readonly string[]): string[] {
    return services.flatMap((service) =>
        Array.from({ length: MAX_REPLICAS }, (_, index) => ["--exclude", appContainerUrn(project, stack, service, index + 1)]).flat(),
    );
}
