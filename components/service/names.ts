/**
 * Every name derived from a service's name, in one place: its PostgreSQL names, and the names of its replicas.
 */

/** Lower-case letters, digits and '-', starting with a letter: valid as a Docker name, a DNS label and (with '_') a PostgreSQL name. */
export const SERVICE_NAME = /^[a-z](?:[a-z0-9-]{0,28}[a-z0-9])?$/;

export interface DatabaseNames {
    database: string;
    /** Owns the schema and runs the migrations. */
    owner: string;
    /** What the apps log in as: rows only. */
    appUser: string;
}

/** PostgreSQL identifiers of a service: `reader-lending` → `reader_lending`, `reader_lending_owner`, `reader_lending_app`. */
export function databaseNames(service: string): DatabaseNames {
    const database = service.replace(/-/g, "_");
    return { database, owner: `${database}_owner`, appUser: `${database}_app` };
}

/** What sits between a service's name and a replica's number: `catalog-app-2`. */
export const REPLICA_INFIX = "-app-";

/** Name of replica `i` (1-based) of whatever `base` names (a service, or a prefixed Docker name). */
export function replicaName(base: string, i: number): string {
    return `${base}${REPLICA_INFIX}${i}`;
}
