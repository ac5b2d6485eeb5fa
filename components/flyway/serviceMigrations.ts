/**
 * A migrations root (`migrations/`) holds one folder per service and the lock. Reading a service's folder the way
 * the program uploads it (the generated callback's name reserved) and checking it against the lock is one step,
 * shared by the stack's validation, `verify-migrations` and `lock-migrations`.
 */
import * as fs from "fs";
import * as path from "path";
import { APP_ROLE_CALLBACK_FILE } from "./appRole";
import { LockCheck, lockProblems, MigrationLock, readLock } from "./lock";
import { MigrationFolderResult, readMigrationFolder } from "./migrationFiles";

/** The service folders under `migrationsRoot`, sorted. */
export function serviceFolders(migrationsRoot: string): string[] {
    return fs
        .readdirSync(migrationsRoot, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort();
}

/** One service's folder, read with the program's naming rules. */
export function readServiceFolder(migrationsRoot: string, service: string): MigrationFolderResult {
    return readMigrationFolder(service, path.join(migrationsRoot, service), [APP_ROLE_CALLBACK_FILE]);
}

/** The lock of `migrationsRoot`; a lock that is not one is a problem, and an empty lock stands in for it. */
export function readLockOrProblem(migrationsRoot: string, problems: string[]): MigrationLock {
    try {
        return readLock(migrationsRoot);
    } catch (error) {
        problems.push((error as Error).message);
        return {};
    }
}

/** One service's folder read and checked against `lock`: its migrations, or every problem with them. */
export function readServiceMigrations(
    migrationsRoot: string,
    service: string,
    lock: MigrationLock,
    check: LockCheck,
): MigrationFolderResult {
    const folder = readServiceFolder(migrationsRoot, service);
    if (!folder.migrations) return folder;
    const problems = lockProblems(lock, service, folder.migrations, check);
    return problems.length > 0 ? { problems } : folder;
}
