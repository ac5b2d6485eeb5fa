/**
 * The committed lock of versioned migrations' checksums.
 *
 * Flyway refuses to migrate a database where an applied file has since changed ("Validate failed: Migration checksum
 * mismatch"), and it refuses when an applied file has vanished. Both would first show up in production. The lock
 * moves that moment to the pull request: a locked file that changed or vanished fails validation, the tests and
 * `verify-migrations`. Adding a file is fine; `npm run lock-migrations` records it.
 */
import * as fs from "fs";
import * as path from "path";
import { MigrationSet } from "./migrationFiles";

export const LOCK_FILE = "flyway.lock.json";
const NOTE =
    "Flyway checksums of versioned migrations, by service and file. Never edit a locked file: add a new migration. Update with `npm run " +
    "lock-migrations`.";

/** Service → file name → Flyway checksum. */
export type MigrationLock = Record<string, Record<string, number>>;

/** The lock in `migrationsRoot`, or an empty one when there is none yet. Throws on a file that is not a lock. */
export function readLock(migrationsRoot: string): MigrationLock {
    const file = path.join(migrationsRoot, LOCK_FILE);
    if (!fs.existsSync(file)) {
        return {};
    }
    let parsed: unknown;
    try {
        parsed = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (error) {
        throw new Error(
            `${file}: is not valid JSON (${(error as Error).message}); restore it from git or regenerate it with \`npm run ` +
                `lock-migrations\``,
            {
                cause: error,
            },
        );
    }
    const lock: MigrationLock = {};
    for (const [service, files] of Object.entries(parsed as Record<string, unknown>)) {
        if (service === "//") continue;
        const valid = typeof files === "object" && files !== null && Object.values(files).every((c) => Number.isInteger(c));
        if (!valid) {
            throw new Error(
                `${file}: the entry for '${service}' must map file names to integer checksums; regenerate it with \`npm run ` +
                    `lock-migrations\``,
            );
        }
        lock[service] = files as Record<string, number>;
    }
    return lock;
}

/** The lock as it is committed: sorted, one entry a line, so that a new migration is a one-line diff. */
export function writeLock(migrationsRoot: string, lock: MigrationLock): void {
    const sorted: Record<string, unknown> = { "//": NOTE };
    for (const service of Object.keys(lock).sort()) {
        sorted[service] = Object.fromEntries(
            Object.keys(lock[service])
                .sort()
                .map((f) => [f, lock[service][f]]),
        );
    }
    fs.writeFileSync(path.join(migrationsRoot, LOCK_FILE), JSON.stringify(sorted, null, 2) + "\n");
}

export interface LockCheck {
    /** Also report versioned files the lock does not know yet (the tests do; `pulumi up` does not). */
    requireLocked: boolean;
}

/** Problems of one service's migrations against the lock, each naming the file, what is wrong and what to do. */
export function lockProblems(lock: MigrationLock, service: string, set: MigrationSet, check: LockCheck): string[] {
    const shown = path.relative(process.cwd(), set.folder) || set.folder;
    const locked = lock[service] ?? {};
    const versioned = set.files.filter((f) => f.kind === "versioned");
    const problems: string[] = [];
    for (const file of versioned) {
        const expected = locked[file.fileName];
        if (expected === undefined) {
            if (check.requireLocked) {
                problems.push(
                    `${shown}/${file.fileName}: not in the migration lock yet; run \`npm run lock-migrations\` and commit ${LOCK_FILE}`,
                );
            }
        } else if (expected !== file.checksum) {
            problems.push(
                `${shown}/${file.fileName}: changed after it was locked (checksum ${file.checksum}, locked ${expected}); ` +
                    `Flyway refuses to migrate any database where the old version ran. Restore the file and put the change in a new ` +
                    `migration, ` +
                    `e.g. V${nextMajorVersion(set)}__<description>.sql`,
            );
        }
    }
    for (const fileName of Object.keys(locked).sort()) {
        if (!versioned.some((f) => f.fileName === fileName)) {
            problems.push(
                `${shown}/${fileName}: is locked but missing; Flyway fails on databases that applied it ("applied migration not resolved ` +
                    `locally"). ` +
                    `Restore it (renaming counts as removing)`,
            );
        }
    }
    return problems;
}

/** `lock` with the service's new versioned files added. Existing entries never change here: see lockProblems. */
export function withNewFiles(lock: MigrationLock, service: string, set: MigrationSet): { lock: MigrationLock; added: string[] } {
    const entries = { ...(lock[service] ?? {}) };
    const added: string[] = [];
    for (const file of set.files.filter((f) => f.kind === "versioned")) {
        if (entries[file.fileName] === undefined) {
            entries[file.fileName] = file.checksum;
            added.push(file.fileName);
        }
    }
    return { lock: { ...lock, [service]: entries }, added };
}

function nextMajorVersion(set: MigrationSet): number {
    const majors = set.files.filter((f) => f.kind === "versioned").map((f) => Number(f.version!.split(".")[0]));
    return Math.max(0, ...majors) + 1;
}
