/**
 * Service names that would collide in the names the stack derives from them.
 */
import { REPLICA_INFIX } from "../service/names";

/**
 * Names another service's app glob would catch (`catalog` catches `catalog-app` and `catalog-app-*`), with why:
 * migrate-only excludes `<service>-app-*` (stack/migrateOnly.ts), which would then skip the other's database and run.
 */
export function appGlobCollisions(namespace: string, services: readonly string[]): string[] {
    const app = REPLICA_INFIX.slice(0, -1); // "-app"
    return services.flatMap((owner) =>
        services
            .filter((other) => other === `${owner}${app}` || other.startsWith(`${owner}${REPLICA_INFIX}`))
            .map(
                (other) =>
                    `${namespace}:services.${other}: starts with '${owner}${app}', so migrate-only would take its database and Flyway ` +
                    `containers for app containers of '${owner}' (${owner}${REPLICA_INFIX}*) and skip them; choose a name that does not`,
            ),
    );
}
