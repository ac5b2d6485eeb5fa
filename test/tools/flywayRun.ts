import { Client } from "pg";
import { MigrationFile, MigrationSet } from "../../components/migrationFiles";
import { lineAt, splitStatements, SqlStatement, SqlSyntaxError } from "./sqlStatements";

/**
 * Applies a service's migrations to a real PostgreSQL the way `flyway migrate` does, so that SQL errors show up in a
 * pull request instead of in `pulumi up`:
 * - versioned files in version order, each in its own transaction, recorded in Flyway's own history table (same
 *   columns, same checksums), and skipped when already applied, so a second run applies nothing;
 * - then repeatables whose checksum changed, ordered by description;
 * - `beforeMigrate`/`afterMigrate` and `beforeEachMigrate`/`afterEachMigrate` callbacks around them;
 * - `${placeholder}` replacement in every file, failing on an unknown placeholder as Flyway does.
 * Files that use CREATE INDEX CONCURRENTLY run outside a transaction, as Flyway runs them.
 */

export const HISTORY_TABLE = "flyway_schema_history";

/** A migration that failed, with what Flyway would print: the file, the line and PostgreSQL's message. */
export class MigrationFailure extends Error {
    constructor(
        readonly service: string,
        readonly file: string,
        readonly line: number | undefined,
        readonly reason: string,
    ) {
        super(`${service}: ${file} failed${line === undefined ? "" : ` at line ${line}`}: ${reason}`);
        this.name = "MigrationFailure";
    }
}

export interface FlywayRunResult {
    /** Files applied by this run, in order (versioned and repeatable). */
    applied: string[];
}

/** Extra callbacks (the generated app-role grant) are passed like files of the folder. */
export async function flywayMigrate(
    client: Client,
    service: string,
    set: MigrationSet,
    placeholders: Record<string, string>,
    extraCallbacks: Pick<MigrationFile, "fileName" | "content">[] = [],
): Promise<FlywayRunResult> {
    const values = { ...placeholders, "flyway:table": HISTORY_TABLE, "flyway:defaultschema": "public" };
    const callbacks = [...set.files.filter((f) => f.kind === "callback"), ...extraCallbacks].sort((a, b) => (a.fileName < b.fileName ? -1 : 1));
    const runCallbacks = async (event: string) => {
        for (const callback of callbacks.filter((c) => c.fileName === `${event}.sql` || c.fileName.startsWith(`${event}__`))) {
            await runFile(client, service, callback.fileName, substitute(service, callback.fileName, callback.content, values), true);
        }
    };

    await client.query(`CREATE TABLE IF NOT EXISTS "${HISTORY_TABLE}" (
        installed_rank INT NOT NULL PRIMARY KEY, version VARCHAR(50), description VARCHAR(200) NOT NULL,
        type VARCHAR(20) NOT NULL, script VARCHAR(1000) NOT NULL, checksum INT, installed_by VARCHAR(100) NOT NULL,
        installed_on TIMESTAMP NOT NULL DEFAULT now(), execution_time INT NOT NULL, success BOOLEAN NOT NULL)`);
    const history = (await client.query(`SELECT version, script, checksum FROM "${HISTORY_TABLE}" WHERE success ORDER BY installed_rank`)).rows as {
        version: string | null; script: string; checksum: number;
    }[];

    await runCallbacks("beforeMigrate");
    const applied: string[] = [];
    for (const file of set.files.filter((f) => f.kind !== "callback")) {
        const previous = history.filter((h) => (file.kind === "versioned" ? h.version === file.version : h.script === file.fileName)).pop();
        if (file.kind === "versioned" && previous) {
            if (previous.checksum !== file.checksum) {
                throw new MigrationFailure(service, file.fileName, undefined, `Validate failed: Migration checksum mismatch for migration version ${file.version} (applied ${previous.checksum}, resolved locally ${file.checksum})`);
            }
            continue;
        }
        if (file.kind === "repeatable" && previous?.checksum === file.checksum) {
            continue;
        }
        await runCallbacks("beforeEachMigrate");
        const started = Date.now();
        const sql = substitute(service, file.fileName, file.content, values);
        await runFile(client, service, file.fileName, sql, !/\bCONCURRENTLY\b/i.test(sql), async () => {
            await client.query(
                `INSERT INTO "${HISTORY_TABLE}" (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success)
                 SELECT coalesce(max(installed_rank), 0) + 1, $1, $2, 'SQL', $3, $4, current_user, $5, true FROM "${HISTORY_TABLE}"`,
                [file.version ?? null, file.description.replace(/_/g, " "), file.fileName, file.checksum, Date.now() - started],
            );
        });
        await runCallbacks("afterEachMigrate");
        applied.push(file.fileName);
    }
    await runCallbacks("afterMigrate");
    return { applied };
}

/** Flyway's `${name}` placeholders; names compare lower-cased, as Flyway's FLYWAY_PLACEHOLDERS_* arrive. */
export function substitute(service: string, fileName: string, sql: string, values: Record<string, string>): string {
    const lowered = Object.fromEntries(Object.entries(values).map(([k, v]) => [k.toLowerCase(), v]));
    return sql.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
        const value = lowered[name.toLowerCase()];
        if (value === undefined) {
            throw new MigrationFailure(service, fileName, undefined, `No value provided for placeholder: \${${name}}. Check your configuration!`);
        }
        return value;
    });
}

async function runFile(client: Client, service: string, fileName: string, sql: string, transactional: boolean, record?: () => Promise<void>): Promise<void> {
    let statements: SqlStatement[];
    try {
        statements = splitStatements(sql);
    } catch (error) {
        const syntax = error as SqlSyntaxError;
        throw new MigrationFailure(service, fileName, syntax.line, syntax.message);
    }
    if (transactional) await client.query("BEGIN");
    let current: SqlStatement | undefined;
    try {
        for (current of statements) {
            await client.query(current.text);
        }
        current = undefined;
        await record?.();
        if (transactional) await client.query("COMMIT");
    } catch (error) {
        if (transactional) await client.query("ROLLBACK");
        const pgError = error as { message: string; position?: string };
        const line = current && (pgError.position === undefined ? current.line : lineAt(sql, current.offset + Number(pgError.position) - 1));
        throw new MigrationFailure(service, fileName, line, pgError.message);
    }
}
