import { startPostgres } from "../tools/postgresServer";

/** One real PostgreSQL for the whole test run; test files reach it through LIBRARY_TEST_POSTGRES. */
export default async function globalSetup(): Promise<void> {
    const server = await startPostgres();
    (globalThis as { libraryTestPostgres?: unknown }).libraryTestPostgres = server;
    process.env.LIBRARY_TEST_POSTGRES = JSON.stringify(server.superuser());
}
