import { PostgresServer } from "../tools/postgresServer";

export default async function globalTeardown(): Promise<void> {
    await (globalThis as { libraryTestPostgres?: PostgresServer }).libraryTestPostgres?.stop();
}
