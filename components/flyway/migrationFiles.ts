/**
 * Flyway's file naming, ordering and folder rules, in one place: the program's validation, the uploads into the
 * Flyway container, the checksum lock and `verify-migrations` all read migrations through this module, so a file
 * that one of them accepts is a file all of them accept.
 */
import * as fs from "fs";
import * as path from "path";
import { flywayChecksum } from "./checksum";

/** Flyway's callback events that a migrate run fires; a file named after one (optionally `__<description>`) is a callback. */
export const MIGRATE_CALLBACK_EVENTS = [
    "beforeMigrate",
    "beforeEachMigrate",
    "beforeEachMigrateStatement",
    "afterEachMigrateStatement",
    "afterEachMigrateStatementError",
    "afterEachMigrate",
    "afterEachMigrateError",
    "afterMigrate",
    "afterMigrateApplied",
    "afterVersioned",
    "afterMigrateError",
    "beforeValidate",
    "afterValidate",
    "afterValidateError",
    "beforeConnect",
    "afterConnect",
] as const;

export type MigrationKind = "versioned" | "repeatable" | "callback";

export interface MigrationFile {
    /** File name as it sits in the folder, e.g. `V2__books.sql`. */
    fileName: string;
    kind: MigrationKind;
    /** Version as Flyway compares it: numeric parts, no leading or trailing zeros (`V001_0` → `1`). Versioned only. */
    version?: string;
    /** Text after `__`, without `.sql`; the event name for callbacks. */
    description: string;
    content: string;
    /** Flyway's own checksum, the value Flyway stores in `flyway_schema_history.checksum`. */
    checksum: number;
}

/**
 * The two phases of a release's migrations. `expand` (the service's folder) runs before the apps change, so it must
 * keep the running release working; `contract` (its `contract/` folder) runs once every replica of the new release is
 * serving, so it may remove what only the previous release used. Each phase has its own Flyway history table.
 */
export type MigrationPhase = "expand" | "contract";

/** The folder, inside a service's migrations folder, of its contract phase. */
export const CONTRACT_FOLDER = "contract";

/** A service's migrations, valid and in the order Flyway applies them. */
export interface MigrationSet {
    folder: string;
    files: MigrationFile[];
    /** The contract phase (the `contract/` folder), when it holds any migration. */
    contract?: ContractSet;
}

/** The contract phase's migrations: versioned files only, in the order Flyway applies them. */
export interface ContractSet {
    folder: string;
    files: MigrationFile[];
}

export interface MigrationFolderResult {
    migrations?: MigrationSet;
    problems: string[];
}

const VERSIONED = /^V([0-9]+(?:[._][0-9]+)*)__(.+)\.sql$/;
const REPEATABLE = /^R__(.+)\.sql$/;
const CALLBACK = new RegExp(`^(${MIGRATE_CALLBACK_EVENTS.join("|")})(?:__(.+))?\\.sql$`);
const NAMING_HELP =
    "expected V<version>__<description>.sql (e.g. V3__add_loans.sql), R__<description>.sql, or a Flyway callback such as afterMigrate.sql";

/** Parses one file name; returns the problem instead of throwing so that a folder's problems can be collected. */
export function parseMigrationFileName(
    fileName: string,
): { kind: MigrationKind; version?: string; description: string } | { problem: string } {
    const versioned = VERSIONED.exec(fileName);
    if (versioned) {
        return { kind: "versioned", version: normalizeVersion(versioned[1]), description: versioned[2] };
    }
    const repeatable = REPEATABLE.exec(fileName);
    if (repeatable) {
        return { kind: "repeatable", description: repeatable[1] };
    }
    const callback = CALLBACK.exec(fileName);
    if (callback) {
        return { kind: "callback", description: callback[2] ? `${callback[1]}__${callback[2]}` : callback[1] };
    }
    return { problem: explainBadName(fileName) };
}

function explainBadName(fileName: string): string {
    if (!fileName.endsWith(".sql")) {
        return `is not a .sql file; only Flyway SQL migrations belong in a migrations folder (${NAMING_HELP})`;
    }
    if (/^U[0-9]/.test(fileName)) {
        return (
            "is an undo migration; those need a paid Flyway edition and this stack runs the open-source image. Write a new V<next>__ " +
            "migration that reverts the change instead"
        );
    }
    if (/^[vr][0-9_]/.test(fileName)) {
        return `starts with a lower-case prefix; Flyway's prefixes are upper-case (${NAMING_HELP})`;
    }
    if (/^V[^_]*[^0-9._][^_]*__/.test(fileName)) {
        return `has a version with characters other than digits, '.' and '_' (${NAMING_HELP})`;
    }
    if (/^[VR][0-9._]*_[^_]/.test(fileName) && !fileName.includes("__")) {
        return `separates version and description with one '_'; Flyway needs two (${NAMING_HELP})`;
    }
    if (/^[VR][^_]*__\.sql$/.test(fileName)) {
        return `has an empty description (${NAMING_HELP})`;
    }
    return `does not follow Flyway's naming (${NAMING_HELP})`;
}

/** Flyway compares versions numerically part by part, and `1.0` equals `1`: normalize to that canonical form. */
export function normalizeVersion(raw: string): string {
    const parts = raw.split(/[._]/).map((part) => BigInt(part));
    while (parts.length > 1 && parts[parts.length - 1] === 0n) {
        parts.pop();
    }
    return parts.join(".");
}

/** Negative, zero or positive, like Flyway's MigrationVersion.compareTo. */
export function compareVersions(a: string, b: string): number {
    const left = a.split(".").map(BigInt);
    const right = b.split(".").map(BigInt);
    for (let i = 0; i < Math.max(left.length, right.length); i++) {
        const l = left[i] ?? 0n;
        const r = right[i] ?? 0n;
        if (l !== r) {
            return l < r ? -1 : 1;
        }
    }
    return 0;
}

/** Flyway's order: versioned by version, then repeatables by description; callbacks are not migrations. */
export function flywayApplyOrder(files: readonly MigrationFile[]): MigrationFile[] {
    const versioned = files.filter((f) => f.kind === "versioned").sort((a, b) => compareVersions(a.version!, b.version!));
    const repeatable = files
        .filter((f) => f.kind === "repeatable")
        .sort((a, b) => (a.description < b.description ? -1 : a.description > b.description ? 1 : 0));
    return [...versioned, ...repeatable];
}

/**
 * Reads and checks one service's migrations folder, and its `contract/` folder when there is one. Every problem is
 * returned, each naming the file, what is wrong and what would be right; `migrations` is set only when there are none.
 */
export function readMigrationFolder(service: string, folder: string, reservedFileNames: readonly string[] = []): MigrationFolderResult {
    const shown = path.relative(process.cwd(), folder) || folder;
    if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) {
        return {
            problems: [
                `service '${service}': migrations folder ${shown}/ does not exist; create it with at least one V1__<description>.sql`,
            ],
        };
    }
    const expand = readPhaseFolder(folder, "expand", reservedFileNames);
    const contractFolder = path.join(folder, CONTRACT_FOLDER);
    // A file of that name is the expand phase's to refuse (it is no migration); only a folder is the contract phase.
    const isFolder = fs.existsSync(contractFolder) && fs.statSync(contractFolder).isDirectory();
    const contract = isFolder ? readPhaseFolder(contractFolder, "contract", reservedFileNames) : undefined;
    const problems = [...expand.problems, ...(contract?.problems ?? [])];
    problems.push(...bothPhases(shown, expand.files, contract?.files ?? []));
    if (!expand.files.some((f) => f.kind === "versioned") && problems.length === 0) {
        problems.push(`service '${service}': migrations folder ${shown}/ has no versioned migration; add V1__<description>.sql`);
    }
    if (problems.length > 0) return { problems };
    const contractFiles = contract && contract.files.length > 0 ? flywayApplyOrder(contract.files) : undefined;
    return {
        problems,
        migrations: {
            folder,
            files: flywayApplyOrder(expand.files).concat(expand.files.filter((f) => f.kind === "callback")),
            ...(contractFiles ? { contract: { folder: contractFolder, files: contractFiles } } : {}),
        },
    };
}

/** A file in both phases: Flyway would run it twice, once against each history table. */
function bothPhases(shown: string, expand: readonly MigrationFile[], contract: readonly MigrationFile[]): string[] {
    return contract
        .filter((c) => expand.some((e) => e.fileName === c.fileName))
        .map(
            (c) =>
                `${shown}/${c.fileName} and ${shown}/${CONTRACT_FOLDER}/${c.fileName}: the same migration is in both phases, and ` +
                `would run twice; keep the one where it belongs (what the previous release still uses is dropped in ` +
                `${CONTRACT_FOLDER}/)`,
        );
}

const CONTRACT_HELP =
    `the contract phase holds versioned migrations only (V<version>__<description>.sql); repeatables and callbacks ` +
    `belong to the service's own folder, whose Flyway run applies them`;

/** One phase's folder: its files, each checked, and their problems. */
function readPhaseFolder(
    folder: string,
    phase: MigrationPhase,
    reservedFileNames: readonly string[],
): { files: MigrationFile[]; problems: string[] } {
    const shown = path.relative(process.cwd(), folder) || folder;
    const problems: string[] = [];
    const files: MigrationFile[] = [];
    // Sorted so that problems, uploads and checksums come out in the same order on every machine.
    const entries = fs.readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
        const where = `${shown}/${entry.name}`;
        if (entry.name.startsWith(".")) {
            continue; // .gitkeep and editor droppings; Flyway ignores them too.
        }
        if (phase === "expand" && entry.name === CONTRACT_FOLDER && entry.isDirectory()) {
            continue; // The contract phase, read on its own.
        }
        if (!entry.isFile()) {
            problems.push(
                `${where}: is not a regular file; keep a service's migrations flat in ${shown}/` +
                    (phase === "expand" ? ` (the one folder allowed is ${CONTRACT_FOLDER}/, the contract phase)` : ""),
            );
            continue;
        }
        if (reservedFileNames.includes(entry.name)) {
            problems.push(`${where}: this name is reserved for the callback the stack generates; rename the file`);
            continue;
        }
        const parsed = parseMigrationFileName(entry.name);
        if ("problem" in parsed) {
            problems.push(`${where}: ${parsed.problem}`);
            continue;
        }
        if (phase === "contract" && parsed.kind !== "versioned") {
            problems.push(`${where}: ${CONTRACT_HELP}`);
            continue;
        }
        const content = fs.readFileSync(path.join(folder, entry.name), "utf8");
        if (content.trim() === "") {
            problems.push(`${where}: is empty; a migration needs at least one SQL statement`);
            continue;
        }
        files.push({ fileName: entry.name, ...parsed, content, checksum: flywayChecksum(content) });
    }
    problems.push(...duplicates(shown, files));
    return { files, problems };
}

function duplicates(shown: string, files: readonly MigrationFile[]): string[] {
    const problems: string[] = [];
    const byKey = new Map<string, string[]>();
    for (const file of files) {
        const key =
            file.kind === "versioned"
                ? `version ${file.version}`
                : file.kind === "repeatable"
                  ? `description '${file.description}'`
                  : undefined;
        if (key) {
            byKey.set(key, [...(byKey.get(key) ?? []), file.fileName]);
        }
    }
    for (const [key, names] of byKey) {
        if (names.length > 1) {
            problems.push(`${shown}/: ${names.join(", ")} share ${key} as Flyway compares them; give each a distinct one`);
        }
    }
    return problems;
}
