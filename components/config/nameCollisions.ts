/**
 * Service names that would collide in the names the stack derives from them: on the platform (each target says what
 * names a service takes, TargetDefinition.claimedNames), and in migrate-only's exclusion globs.
 */
import type { ServiceArguments } from "../service/arguments";
import { REPLICA_INFIX } from "../service/names";
import type { NameClaim, TargetDefinition } from "../targets/definition";

/** Names two services would take on the platform, each reported once with both owners and what each took it for. */
export function platformNameCollisions(
    namespace: string,
    definition: TargetDefinition,
    services: readonly { name: string; args: ServiceArguments }[],
    stack: string | undefined,
): string[] {
    const owners = new Map<string, { service: string; claim: NameClaim }[]>();
    for (const { name, args } of services) {
        for (const claim of definition.claimedNames?.(name, args, stack) ?? []) {
            const key = `${claim.kind}\0${claim.name}`;
            owners.set(key, [...(owners.get(key) ?? []), { service: name, claim }]);
        }
    }
    const reported = new Set<string>();
    return [...owners.values()].flatMap((claims) => {
        const services = [...new Set(claims.map((c) => c.service))].sort();
        if (services.length < 2 || reported.has(services.join("\0"))) return [];
        reported.add(services.join("\0"));
        const [first, second] = [claims.find((c) => c.service === services[0])!, claims.find((c) => c.service === services[1])!];
        return [
            `${namespace}:services.${services[1]}: the ${first.claim.kind} '${first.claim.name}' would be both ${first.service}'s ` +
                `(${first.claim.what}) and ${second.service}'s (${second.claim.what}) on ${definition.title}, so one would answer or be ` +
                `overwritten for the other; choose a service name that does not start with another's name and a suffix the stack uses`,
        ];
    });
}

/** The prefixes, after a service's name, of the globs the phased commands use (stack/migrateOnly.ts). */
const CONTRACT_PREFIXES = ["-flyway-contract", "-backup-contract", "-contract-migrations-", "-migrate-contract"];

/**
 * Names another service's globs would catch, with why: migrate-only excludes `<service>-app-*` (so `catalog` catches
 * `catalog-app` and `catalog-app-*`, whose database and run it would then skip), and the phased commands exclude or
 * target `<service>-flyway-contract*` and its siblings (stack/migrateOnly.ts).
 */
export function appGlobCollisions(namespace: string, services: readonly string[]): string[] {
    const app = REPLICA_INFIX.slice(0, -1); // "-app"
    return services.flatMap((owner) =>
        services.flatMap((other) => {
            if (other === `${owner}${app}` || other.startsWith(`${owner}${REPLICA_INFIX}`)) {
                return [
                    `${namespace}:services.${other}: starts with '${owner}${app}', so migrate-only would take its database and Flyway ` +
                        `containers for app containers of '${owner}' (${owner}${REPLICA_INFIX}*) and skip them; choose a name that ` +
                        "does not",
                ];
            }
            // `<owner>-contract`'s own ConfigMaps (`<owner>-contract-migrations-<hash>`) would match its contract glob.
            const prefix = other === `${owner}-contract` ? "-contract" : CONTRACT_PREFIXES.find((p) => other.startsWith(`${owner}${p}`));
            return prefix
                ? [
                      `${namespace}:services.${other}: starts with '${owner}${prefix}', so the phased commands (npm run migrate) would ` +
                          `take its resources for the contract phase of '${owner}'; choose a name that does not`,
                  ]
                : [];
        }),
    );
}
