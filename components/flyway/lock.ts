/**
 * The committed lock: Flyway's checksum of every migration and callback file, as it was when it was checked.
 *
 * It tells new files from applied ones. A versioned file not in the lock is new; a repeatable or a callback is new
 * whenever its content is not the one locked (they change on purpose, and each new content runs). New files are held
 * to the migration-safety check (migrationSafety.ts); `npm run lock-migrations` records them only when they pass it.
 *
 * It also moves Flyway's own refusals from production to the pull request: Flyway refuses to migrate a database where
 * an applied versioned file has since changed ("Validate failed: Migration checksum mismatch") or vanished, or where a
 * new version sorts below an applied one ("Detected resolved migration not applied to database"). All three fail
 * validation, the tests and `verify-migrations` here.
 */
import * as fs from "fs";
import * as path from "path";
import { compareVersions, CONTRACT_FOLDER, MigrationFile, MigrationPhase, MigrationSet } from "./migrationFiles";

export const LOCK_FILE = "flyway.lock.json";
const NOTE =
    "Flyway checksums of every migration and callback, by service and file, as they were checked. Never edit a locked versioned " +
    "file: add a new migration. Update with `npm run lock-migrations`, which checks new files first.";

/** Service → file name → Flyway checksum. */
export type MigrationLock = Record<string, Record<string, number>>;

/** The lock in `migrationsRoot`, or an empty one when there is none yet. Throws on a file that is not a lock. */
export function readLock(migrationsRoot: string): MigrationLock {
    const file = path.join(migrationsRoot, LOCK_FILE);
    return fs.existsSync(file) ? parseLock(fs.readFileSync(file, "utf8"), file) : {};
}

/** A lock's text (`where` names it in errors). */
export function parseLock(text: string, where: string): MigrationLock {
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch (error) {
        throw new Error(
            `${where}: is not valid JSON (${(error as Error).message}); restore it from git or regenerate it with ` +
                `\`npm run lock-migrations\``,
            { cause: error },
        );
    }
    const lock: MigrationLock = {};
    for (const [service, files] of Object.entries(parsed as Record<string, unknown>)) {
        if (service === "//") continue;
        const valid = typeof files === "object" && files !== null && Object.values(files).every((c) => Number.isInteger(c));
        if (!valid) {
            throw new Error(
                `${where}: the entry for '${service}' must map file names to integer checksums; regenerate it with \`npm run ` +
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
    /** Also report files the lock does not hold yet (the tests and verify-migrations do; `pulumi up` does not). */
    requireLocked: boolean;
}

/** Whether `file` is new to the lock: a versioned file it does not list, or a repeatable or callback it holds otherwise. */
export function isNewFile(file: MigrationFile, locked: Record<string, number>): boolean {
    return file.kind === "versioned" ? locked[file.fileName] === undefined : locked[file.fileName] !== file.checksum;
}

/** The lock's key of a contract migration: its file name under the contract folder. */
const CONTRACT_KEY = `${CONTRACT_FOLDER}/`;

/**
 * One phase's part of a service's lock entry, keyed by file name: expand files are locked by their name, contract files
 * as `contract/<name>`, so that one lock covers both phases and a file moved between them is seen as moved.
 */
export function phaseLocked(locked: Record<string, number>, phase: MigrationPhase): Record<string, number> {
    return Object.fromEntries(
        Object.entries(locked).flatMap(([key, checksum]): [string, number][] => {
            const isContract = key.startsWith(CONTRACT_KEY);
            if (phase === "contract") return isContract ? [[key.slice(CONTRACT_KEY.length), checksum]] : [];
            return isContract ? [] : [[key, checksum]];
        }),
    );
}

/** The contract phase as a set of its own (its folder even when it holds nothing yet). */
export function contractPhase(set: MigrationSet): MigrationSet {
    return set.contract ?? { folder: path.join(set.folder, CONTRACT_FOLDER), files: [] };
}

/** Problems of one service's migrations against the lock, each naming the file, what is wrong and what to do. */
export function lockProblems(lock: MigrationLock, service: string, set: MigrationSet, check: LockCheck): string[] {
    const locked = lock[service] ?? {};
    const expand = phaseLocked(locked, "expand");
    const contract = phaseLocked(locked, "contract");
    const contractSet = contractPhase(set);
    return [...phaseProblems(expand, set, check, contractSet, "contract"), ...phaseProblems(contract, contractSet, check, set, "expand")];
}

/** One phase's problems; `other` is the other phase, where a locked file that is missing here may have gone. */
function phaseProblems(
    locked: Record<string, number>,
    set: MigrationSet,
    check: LockCheck,
    other: MigrationSet,
    otherPhase: MigrationPhase,
): string[] {
    const shown = path.relative(process.cwd(), set.folder) || set.folder;
    const problems: string[] = [];
    for (const file of set.files) {
        const expected = locked[file.fileName];
        if (file.kind === "versioned" && expected !== undefined && expected !== file.checksum) {
            problems.push(
                `${shown}/${file.fileName}: changed after it was locked (checksum ${file.checksum}, locked ${expected}); ` +
                    `Flyway refuses to migrate any database where the old version ran. Restore the file and put the change in a new ` +
                    `migration, e.g. V${nextMajorVersion(set)}__<description>.sql`,
            );
        } else if (check.requireLocked && isNewFile(file, locked)) {
            problems.push(
                `${shown}/${file.fileName}: ${expected === undefined ? "not in the migration lock yet" : "changed since it was locked"}; ` +
                    `run \`npm run lock-migrations\` (it checks the file first) and commit ${LOCK_FILE}`,
            );
        }
    }
    problems.push(...outOfOrderProblems(locked, set, shown));
    for (const fileName of Object.keys(locked).sort()) {
        // A callback may go: Flyway keeps no history of callbacks. A migration that ran may not.
        if (set.files.some((f) => f.fileName === fileName) || isCallbackName(fileName)) continue;
        const otherShown = path.relative(process.cwd(), other.folder) || other.folder;
        problems.push(
            other.files.some((f) => f.fileName === fileName)
                ? `${otherShown}/${fileName}: was locked in ${shown}/ and moved to the ${otherPhase} phase; each phase has its own ` +
                      `Flyway history, so databases that applied it would run it again there (and Flyway fails on the other: ` +
                      `"applied migration not resolved locally"). Move it back, and put what belongs to the ${otherPhase} phase in ` +
                      `a new migration there`
                : `${shown}/${fileName}: is locked but missing; Flyway fails on databases that applied it ("applied migration ` +
                      `not resolved locally"). Restore it (renaming counts as removing)`,
        );
    }
    return problems;
}

/**
 * New versions at or below the highest locked one: Flyway refuses them on every database that applied the higher one
 * ("Detected resolved migration not applied to database"), so they are refused where they are made.
 */
export function outOfOrderProblems(
    locked: Record<string, number>,
    set: MigrationSet,
    shown = path.relative(process.cwd(), set.folder) || set.folder,
): string[] {
    const versioned = set.files.filter((f) => f.kind === "versioned");
    const highest = versioned
        .filter((f) => locked[f.fileName] !== undefined)
        .sort((a, b) => compareVersions(a.version!, b.version!))
        .at(-1);
    if (!highest) return [];
    return versioned
        .filter((f) => locked[f.fileName] === undefined && compareVersions(f.version!, highest.version!) <= 0)
        .map(
            (f) =>
                `${shown}/${f.fileName}: version ${f.version} is not above ${highest.fileName}, the highest locked version; Flyway ` +
                `refuses it on every database that applied ${highest.fileName} ("Detected resolved migration not applied to database"). ` +
                `Rename it to V${nextMajorVersion(set)}__${f.description}.sql`,
        );
}

function isCallbackName(fileName: string): boolean {
    return !/^([VR]|contract\/)/.test(fileName);
}

/** `lock` with the service's new files recorded (and callbacks that are gone dropped). Applied entries never change here. */
export function withNewFiles(lock: MigrationLock, service: string, set: MigrationSet): { lock: MigrationLock; added: string[] } {
    const entries = { ...(lock[service] ?? {}) };
    const added: string[] = [];
    const phases: [string, readonly MigrationFile[]][] = [
        ["", set.files],
        [CONTRACT_KEY, set.contract?.files ?? []],
    ];
    for (const [prefix, files] of phases) {
        for (const file of files) {
            const key = prefix + file.fileName;
            const known = phaseLocked(entries, prefix ? "contract" : "expand");
            if (isNewFile(file, known) && !(file.kind === "versioned" && entries[key] !== undefined)) {
                entries[key] = file.checksum;
                added.push(key);
            }
        }
    }
    for (const fileName of Object.keys(entries)) {
        if (isCallbackName(fileName) && !set.files.some((f) => f.fileName === fileName)) delete entries[fileName];
    }
    return { lock: { ...lock, [service]: entries }, added };
}

function nextMajorVersion(set: MigrationSet): number {
    const majors = set.files.filter((f) => f.kind === "versioned").map((f) => Number(f.version!.split(".")[0]));
    return Math.max(0, ...majors) + 1;
}
