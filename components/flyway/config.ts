/**
 * Flyway's whole configuration for one service, independent of where Flyway runs: its environment and the files in
 * its SQL location. The Docker target hands both to the Flyway container; `verify-migrations` and the SQL tests hand
 * the same to real Flyway on a local PostgreSQL, so they prove this configuration, not a copy of it.
 */
import { APP_ROLE_CALLBACK_FILE, APP_ROLE_CALLBACK_SQL, APP_ROLE_PLACEHOLDERS } from "./appRole";
import { CONTRACT_HISTORY_TABLE } from "./historyTables";
import { ContractSet, MigrationPhase, MigrationSet } from "./migrationFiles";

/** Flyway's SQL location in the official image. */
export const FLYWAY_SQL_DIR = "/flyway/sql";

export interface FlywayConnection<Secret> {
    jdbcUrl: string;
    /** The owner, who migrates. */
    user: string | Secret;
    password: Secret;
    /** The least-privilege role the callback creates for the apps. */
    appUser: string;
    appPassword: Secret;
    /** How long a statement may wait for a lock before it fails (PostgreSQL's lock_timeout), in seconds. */
    lockTimeoutSeconds: number;
}

/** Every FLYWAY_* variable Flyway gets for `phase`, by name; `sqlDir` is where flywayFiles are. */
export function flywayEnvironment<Secret>(
    connection: FlywayConnection<Secret>,
    sqlDir = FLYWAY_SQL_DIR,
    phase: MigrationPhase = "expand",
): Record<string, string | Secret> {
    return {
        ...(phase === "contract" ? CONTRACT_HISTORY : {}),
        FLYWAY_URL: connection.jdbcUrl,
        FLYWAY_USER: connection.user,
        FLYWAY_PASSWORD: connection.password,
        FLYWAY_LOCATIONS: `filesystem:${sqlDir}`,
        // These retries bridge a blip where the database is known to be up (Kubernetes waits for it to be Ready);
        // on Docker, where Flyway starts with its database, targets/docker/flywayContainer.ts waits longer.
        FLYWAY_CONNECT_RETRIES: "20",
        FLYWAY_CONNECT_RETRIES_INTERVAL: "2",
        // Off by default in Flyway, which would silently skip a misnamed file.
        FLYWAY_VALIDATE_MIGRATION_NAMING: "true",
        FLYWAY_CLEAN_DISABLED: "true",
        // Every session Flyway opens sets a lock timeout first (Flyway's initSql runs on each new connection): a
        // migration queued behind a long transaction fails after it, instead of blocking its table's traffic meanwhile.
        FLYWAY_INIT_SQL: `SET lock_timeout = '${connection.lockTimeoutSeconds}s'`,
        // A session-level advisory lock, not Flyway's default transactional one: CREATE INDEX CONCURRENTLY (the safe way
        // to index a live table) waits for every open transaction, Flyway's lock among them, and would wait forever.
        FLYWAY_POSTGRESQL_TRANSACTIONAL_LOCK: "false",
        // Flyway lower-cases the suffix: FLYWAY_PLACEHOLDERS_APP_USER is ${app_user} in the callback.
        [`FLYWAY_PLACEHOLDERS_${APP_ROLE_PLACEHOLDERS.user.toUpperCase()}`]: connection.appUser,
        [`FLYWAY_PLACEHOLDERS_${APP_ROLE_PLACEHOLDERS.password.toUpperCase()}`]: connection.appPassword,
    };
}

/**
 * The contract phase's own history (Flyway's `table`), so that its versions never mix with the expand phase's: each
 * run validates and applies only its own. Its first run finds the expand phase's tables and no history of its own,
 * which Flyway refuses unless it may baseline ("Found non-empty schema(s) … but no schema history table", flyway-core
 * 11, migrate's check of populated schemas); it then records a baseline at version 0, below every contract version
 * (the default baseline version is 1, which would skip a contract V1).
 */
const CONTRACT_HISTORY = {
    FLYWAY_TABLE: CONTRACT_HISTORY_TABLE,
    FLYWAY_BASELINE_ON_MIGRATE: "true",
    FLYWAY_BASELINE_VERSION: "0",
    FLYWAY_BASELINE_DESCRIPTION: "<< Contract phase baseline >>",
};

/** The files of Flyway's SQL location: the service's migrations and callbacks, and the generated app-role callback. */
export function flywayFiles(migrations: MigrationSet | ContractSet): { name: string; content: string }[] {
    return [
        ...migrations.files.map((file) => ({ name: file.fileName, content: file.content })),
        { name: APP_ROLE_CALLBACK_FILE, content: APP_ROLE_CALLBACK_SQL },
    ];
}

export { CONTRACT_HISTORY_TABLE, FLYWAY_HISTORY_TABLE } from "./historyTables";
