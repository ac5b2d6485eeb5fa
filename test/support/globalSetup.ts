/**
 * One real PostgreSQL for the whole test run, and real Flyway resolved once (Maven, on first use): test files reach
 * them through LIBRARY_TEST_POSTGRES and LIBRARY_FLYWAY_CLASSPATH. A missing Java or Maven stops the run here, with
 * what to install.
 */
import { shareFlywayClasspath } from "../../tools/lib/flywayCli";
import { startPostgres } from "../../tools/lib/postgresServer";

export default async function globalSetup(): Promise<void> {
    shareFlywayClasspath();
    const server = await startPostgres();
    (globalThis as { libraryTestPostgres?: unknown }).libraryTestPostgres = server;
    process.env.LIBRARY_TEST_POSTGRES = JSON.stringify(server.superuser());
}
