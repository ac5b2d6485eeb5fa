/**
 * The names a service takes on one Docker host (dockerTarget.ts, postgresContainer.ts, appContainers.ts,
 * backupContainer.ts): container and volume names, prefixed with the stack, and the names other containers resolve on
 * the stack's network. Docker's embedded DNS answers a user-defined network's aliases and its containers' names
 * alike (moby libnetwork, sandbox DNS), so both count as DNS names there.
 */
import type { ServiceArguments } from "../../service/arguments";
import { replicaName } from "../../service/names";
import type { NameClaim } from "../definition";
import type { DockerServiceKeys } from "./dockerKeys";

export function dockerNames(service: string, args: ServiceArguments<DockerServiceKeys>, stack: string | undefined): NameClaim[] {
    const prefix = stack === undefined ? "" : `${stack}-`;
    const containers: [string, string][] = [
        [`${service}-db`, "its database container"],
        [`${service}-flyway`, "its Flyway container"],
        // Claimed whether or not the service has contract migrations yet: adding them must not collide later.
        [`${service}-flyway-contract`, "its contract phase's Flyway container"],
        ...(args.backup
            ? [
                  [`${service}-backup`, "its backup container"] as [string, string],
                  [`${service}-backup-contract`, "its contract phase's backup container"] as [string, string],
              ]
            : []),
        ...Array.from({ length: args.replicas }, (_, i): [string, string] => [replicaName(service, i + 1), `its app container ${i + 1}`]),
    ];
    return [
        { kind: "network name", name: `${service}-db`, what: "its database's alias" },
        ...(args.replicas > 0 ? [{ kind: "network name", name: service, what: "its apps' alias" }] : []),
        ...containers.flatMap(([name, what]) => [
            { kind: "container name", name: `${prefix}${name}`, what },
            { kind: "network name", name: `${prefix}${name}`, what },
        ]),
        { kind: "volume name", name: `${prefix}${service}-db-data`, what: "its data volume" },
        ...(args.backup ? [{ kind: "volume name", name: `${prefix}${service}-backups`, what: "its backups volume" }] : []),
    ];
}
