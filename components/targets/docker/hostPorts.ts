/**
 * Host ports across a stack's services on one Docker host: each port belongs to one container.
 */
import type { ServiceArguments } from "../../service/arguments";
import type { DockerServiceKeys } from "./dockerKeys";

/** Ports claimed twice: replica i of an app on hostPort + i - 1, and a database on databaseHostPort. */
export function hostPortCollisions(
    services: readonly { name: string; args: ServiceArguments<DockerServiceKeys> }[],
    where: (service: string) => string,
): string[] {
    const owners = new Map<number, string[]>();
    const claim = (port: number, owner: string) => owners.set(port, [...(owners.get(port) ?? []), owner]);
    for (const { name, args } of [...services].sort((a, b) => (a.name < b.name ? -1 : 1))) {
        for (let i = 0; args.hostPort !== undefined && i < args.replicas; i++) {
            claim(args.hostPort + i, `${where(name)}.hostPort (replica ${i + 1})`);
        }
        if (args.databaseHostPort !== undefined) {
            claim(args.databaseHostPort, `${where(name)}.databaseHostPort`);
        }
    }
    return [...owners.entries()]
        .filter(([, claimants]) => claimants.length > 1)
        .map(([port, claimants]) => `host port ${port} is claimed by ${claimants.join(" and ")}; give each a port of its own`);
}
