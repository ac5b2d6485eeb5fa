/**
 * Service databases migrated from this repository's migrations, and asserting PostgreSQL's refusals.
 */
import * as path from "path";
import { Client } from "pg";
import { readMigrationFolder } from "../../components/flyway/migrationFiles";
import { migrateServiceDatabase, OwnerKind, ServiceDatabase, suffixedNames } from "../../tools/lib/verify";
import { testPostgres, uniqueSuffix } from "./postgres";
import { PROJECT_DIR } from "../../tools/lib/repository";

/** A fresh database of `service`, migrated from this repository's migrations as Flyway would. */
export async function migratedService(service: string, owner: OwnerKind = "postgres-image"): Promise<ServiceDatabase> {
    const set = readMigrationFolder(service, path.join(PROJECT_DIR, "migrations", service)).migrations!;
    return migrateServiceDatabase(testPostgres(), service, set, suffixedNames(service, uniqueSuffix()), owner);
}

/** Expects `sql` to fail with PostgreSQL error `code` (and `constraint`, if given), without ending the transaction. */
export async function expectRejected(client: Client, sql: string, params: unknown[], code: string, constraint?: string): Promise<void> {
    await client.query("SAVEPOINT expect_rejected");
    try {
        await client.query(sql, params);
    } catch (error) {
        await client.query("ROLLBACK TO SAVEPOINT expect_rejected");
        expect({ code: (error as { code?: string }).code, constraint: (error as { constraint?: string }).constraint }).toEqual({
            code,
            constraint: constraint ?? (error as { constraint?: string }).constraint,
        });
        return;
    }
    throw new Error(`expected PostgreSQL to refuse (${code}${constraint ? ` ${constraint}` : ""}): ${sql}`);
}

export const UNIQUE_VIOLATION = "23505";
export const CHECK_VIOLATION = "23514";
export const FOREIGN_KEY_VIOLATION = "23503";
export const INSUFFICIENT_PRIVILEGE = "42501";
