/**
 * Stops the sql project's PostgreSQL.
 */
import { PostgresServer } from "../../tools/lib/postgresServer";

export default async function globalTeardown(): Promise<void> {
    await (globalThis as { libraryTestPostgres?: PostgresServer }).libraryTestPostgres?.stop();
}
