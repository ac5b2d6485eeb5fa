/**
 * Migrating services' databases with real Flyway on a real PostgreSQL, with the configuration the program gives the
 * Flyway container (components/flyway/config.ts), checked against the same naming rules and lock as the program:
 * what `npm run verify-migrations` runs, and the library behind the tests that prove the schema and roles.
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ClientConfig } from "pg";
import { sharedArgumentsSchema } from "../../components/service/arguments";
import { DatabaseNames, databaseNames } from "../../components/service/names";
import { ownerBootstrapSql } from "../../components/targets/kubernetes/database";
import { CONTRACT_HISTORY_TABLE, FLYWAY_HISTORY_TABLE, flywayEnvironment, flywayFiles } from "../../components/flyway/config";
import { flywayFailure } from "../../components/flyway/log";
import { contractPhase, MigrationLock, outOfOrderProblems, phaseLocked } from "../../components/flyway/lock";
import { CONTRACT_FOLDER, MigrationPhase, MigrationSet } from "../../components/flyway/migrationFiles";
import { migrationSafetyProblems } from "../../components/flyway/migrationSafety";
import { readLockOrProblem, readServiceMigrations, serviceFolders } from "../../components/flyway/serviceMigrations";
import { FlywayCli, flywayCli, FlywayResult, runFlyway } from "./flywayCli";
import { withClient } from "./pgClient";
import type { PostgresServer } from "./postgresServer";

/** A database of one service as the postgres image creates it, with both roles' passwords. */
export interface ServiceDatabase {
    service: string;
    names: DatabaseNames;
    ownerPassword: string;
    appPassword: string;
    owner: ClientConfig;
    app: ClientConfig;
    /** Scripts the last migrate applied, in order (versioned and repeatable). */
    applied: string[];
    tables: number;
}

/** A migration Flyway refused, with what its log says: the file, the line and the database's message. */
export class MigrationFailure extends Error {
    constructor(
        readonly service: string,
        readonly file: string | undefined,
        readonly line: number | undefined,
        readonly reason: string,
        readonly log: string,
    ) {
        super(`${service}: ${file ? `${file} failed${line === undefined ? "" : ` at line ${line}`}` : "Flyway failed"}: ${reason}`);
        this.name = "MigrationFailure";
    }
}

/**
 * Runs Flyway `command` for `db` with the program's configuration: the same environment and the same files, which
 * sit in a local folder instead of /flyway/sql, with the URL of the local server. `overrides` replace variables
 * (only tests use them, to shorten connect retries).
 */
/** The stack's default lock timeout for migrations, as the service schema sets it. */
const DEFAULT_LOCK_TIMEOUT_SECONDS = sharedArgumentsSchema.parse({}).migrationLockTimeoutSeconds;

export async function runServiceFlyway(
    server: PostgresServer,
    db: ServiceDatabase,
    set: MigrationSet,
    command = "migrate",
    overrides: Record<string, string> = {},
    cli: FlywayCli = flywayCli(),
    phase: MigrationPhase = "expand",
): Promise<FlywayResult> {
    const sqlDir = fs.mkdtempSync(path.join(os.tmpdir(), "library-flyway-sql-"));
    try {
        for (const file of flywayFiles(phase === "contract" ? contractPhase(set) : set)) {
            fs.writeFileSync(path.join(sqlDir, file.name), file.content);
        }
        const jdbcUrl = `jdbc:postgresql://127.0.0.1:${server.port}/${db.names.database}`;
        const env = flywayEnvironment(
            {
                jdbcUrl,
                user: db.names.owner,
                password: db.ownerPassword,
                appUser: db.names.appUser,
                appPassword: db.appPassword,
                lockTimeoutSeconds: DEFAULT_LOCK_TIMEOUT_SECONDS,
            },
            sqlDir,
            phase,
        );
        return await runFlyway(cli, [command], { ...env, ...overrides });
    } finally {
        fs.rmSync(sqlDir, { recursive: true, force: true });
    }
}

/**
 * Who owns a service's database: on Docker the postgres image's POSTGRES_USER, a superuser; on Kubernetes
 * CloudNativePG's initdb owner, a plain login role that the program's postInitSQL gives CREATEROLE.
 */
export type OwnerKind = "postgres-image" | "cloudnative-pg";

/** Creates the service's database and owner as the platform does (by default as the postgres image does). */
export async function createServiceDatabase(
    server: PostgresServer,
    service: string,
    names = databaseNames(service),
    owner: OwnerKind = "postgres-image",
): Promise<ServiceDatabase> {
    const ownerPassword = randomBytes(16).toString("hex");
    const appPassword = randomBytes(16).toString("hex");
    await withClient(server.superuser(), async (admin) => {
        if (owner === "postgres-image") {
            await admin.query(`CREATE ROLE "${names.owner}" SUPERUSER LOGIN PASSWORD '${ownerPassword}'`);
        } else {
            // CloudNativePG's initdb (pkg/management/postgres/initdb.go), then the program's postInitSQL, as superuser.
            await admin.query(`CREATE ROLE "${names.owner}" LOGIN PASSWORD '${ownerPassword}'`);
            for (const statement of ownerBootstrapSql(names.owner)) await admin.query(statement);
        }
        await admin.query(`CREATE DATABASE "${names.database}" OWNER "${names.owner}"`);
    });
    const login = (user: string, password: string): ClientConfig => ({ ...server.superuser(names.database), user, password });
    return {
        service,
        names,
        ownerPassword,
        appPassword,
        owner: login(names.owner, ownerPassword),
        app: login(names.appUser, appPassword),
        applied: [],
        tables: 0,
    };
}

/**
 * Migrates `db` with `set` as a deploy does: the expand phase, then the contract phase (when the set has one), each
 * against its own history table; throws MigrationFailure when Flyway exits non-zero. `phases` keeps it to one.
 */
export async function migrate(
    server: PostgresServer,
    db: ServiceDatabase,
    set: MigrationSet,
    phases: readonly MigrationPhase[] = ["expand", "contract"],
): Promise<ServiceDatabase> {
    const applied: string[] = [];
    for (const phase of phases) {
        if (phase === "contract" && !set.contract) continue;
        const table = phase === "contract" ? CONTRACT_HISTORY_TABLE : FLYWAY_HISTORY_TABLE;
        const before = await historyLength(db, table);
        const run = await runServiceFlyway(server, db, set, "migrate", {}, undefined, phase);
        if (run.exitCode !== 0) {
            const failure = flywayFailure(run.log);
            const file = failure.script && phase === "contract" ? `${CONTRACT_FOLDER}/${failure.script}` : failure.script;
            throw new MigrationFailure(db.service, file, failure.line, failure.message, run.log);
        }
        const scripts = await withClient(db.owner, async (client) =>
            (
                await client.query(
                    // The contract history's baseline row is Flyway's own bookkeeping, not a script.
                    `SELECT script FROM "${table}" WHERE installed_rank > $1 AND success AND type <> 'BASELINE' ORDER BY installed_rank`,
                    [before],
                )
            ).rows.map((r) => (phase === "contract" ? `${CONTRACT_FOLDER}/${r.script}` : (r.script as string))),
        );
        applied.push(...scripts);
    }
    const tables = await withClient(db.owner, async (client) =>
        Number(
            (
                await client.query(
                    `SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND ` +
                        `table_name <> ALL($1)`,
                    [[FLYWAY_HISTORY_TABLE, CONTRACT_HISTORY_TABLE]],
                )
            ).rows[0].n,
        ),
    );
    return { ...db, applied: [...(phases.includes("expand") ? [] : db.applied), ...applied], tables };
}

async function historyLength(db: ServiceDatabase, table: string): Promise<number> {
    return withClient(db.owner, async (client) => {
        const exists = (await client.query("SELECT to_regclass($1) IS NOT NULL AS e", [table])).rows[0].e;
        return exists ? Number((await client.query(`SELECT coalesce(max(installed_rank), 0) AS n FROM "${table}"`)).rows[0].n) : 0;
    });
}

/** A fresh database of `service`, migrated with `set`. */
export async function migrateServiceDatabase(
    server: PostgresServer,
    service: string,
    set: MigrationSet,
    names = databaseNames(service),
    owner: OwnerKind = "postgres-image",
): Promise<ServiceDatabase> {
    return migrate(server, await createServiceDatabase(server, service, names, owner), set);
}

export interface VerifyResult {
    databases: ServiceDatabase[];
    /** One line a problem: the service, the file, what is wrong. */
    failures: string[];
}

/** The service's PostgreSQL names with `suffix` appended, so several runs can share one server. */
export function suffixedNames(service: string, suffix = ""): DatabaseNames {
    const names = databaseNames(service);
    return suffix === ""
        ? names
        : { database: `${names.database}_${suffix}`, owner: `${names.owner}_${suffix}`, appUser: `${names.appUser}_${suffix}` };
}

/**
 * Verifies every `migrations/<service>/` folder under `migrationsRoot`, collecting every failure. `baseLock`, the lock
 * of the branch a pull request goes into, decides which files are new and so checked for safety and order, whatever
 * the working tree's lock says; without it, the working tree's lock does.
 */
export async function verifyAll(
    server: PostgresServer,
    migrationsRoot: string,
    suffix = "",
    baseLock?: MigrationLock,
): Promise<VerifyResult> {
    const failures: string[] = [];
    const lock = readLockOrProblem(migrationsRoot, failures);
    const runs: Promise<ServiceDatabase | string>[] = [];
    for (const service of serviceFolders(migrationsRoot)) {
        const folder = readServiceMigrations(migrationsRoot, service, lock, { requireLocked: true });
        failures.push(...folder.problems);
        if (!folder.migrations) continue;
        const checkedAgainst = (baseLock ?? lock)[service] ?? {};
        failures.push(...migrationSafetyProblems(service, folder.migrations, checkedAgainst));
        if (baseLock) {
            failures.push(
                ...outOfOrderProblems(phaseLocked(checkedAgainst, "expand"), folder.migrations),
                ...outOfOrderProblems(phaseLocked(checkedAgainst, "contract"), contractPhase(folder.migrations)),
            );
        }
        // Side by side: each service has its own database, and each Flyway its own JVM.
        runs.push(
            migrateServiceDatabase(server, service, folder.migrations, suffixedNames(service, suffix)).catch((error) => {
                if (!(error instanceof MigrationFailure)) throw error;
                return error.file
                    ? `${error.message} (${path.relative(process.cwd(), path.join(migrationsRoot, service, error.file))})`
                    : error.message;
            }),
        );
    }
    const outcomes = await Promise.all(runs);
    failures.push(...outcomes.filter((o): o is string => typeof o === "string"));
    return { databases: outcomes.filter((o): o is ServiceDatabase => typeof o !== "string"), failures };
}

/** The short table the command prints. */
export function reportTable(databases: readonly ServiceDatabase[]): string {
    const rows = [["service", "files applied", "tables"], ...databases.map((d) => [d.service, String(d.applied.length), String(d.tables)])];
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    return rows
        .map((r) =>
            r
                .map((cell, i) => cell.padEnd(widths[i]))
                .join("  ")
                .trimEnd(),
        )
        .join("\n");
}
