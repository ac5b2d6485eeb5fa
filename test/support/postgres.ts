/**
 * The sql project's shared PostgreSQL, as test files reach it.
 */
import { randomBytes } from "crypto";
import { ClientConfig } from "pg";
import type { PostgresServer } from "../../tools/lib/postgresServer";

/** The run's shared server (started by globalSetup). Fails loudly when it is missing: these tests never skip. */
export function testPostgres(): PostgresServer {
    const raw = process.env.LIBRARY_TEST_POSTGRES;
    if (!raw) {
        throw new Error("LIBRARY_TEST_POSTGRES is not set: run these tests through jest, whose globalSetup starts PostgreSQL");
    }
    const superuser = JSON.parse(raw) as ClientConfig;
    return {
        port: Number(superuser.port),
        superuser: (database = "postgres") => ({ ...superuser, database }),
        stop: async () => undefined,
    };
}

/** A suffix for database and role names no other test file uses. */
export function uniqueSuffix(): string {
    return `t${randomBytes(4).toString("hex")}`;
}
