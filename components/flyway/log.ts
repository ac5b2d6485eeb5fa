/**
 * Reading Flyway's console output: a one-line summary for stack outputs, and the part of a failed run's log worth
 * putting in an error message.
 */

const APPLIED = /Successfully applied (\d+) migrations? to schema "([^"]+)"(?:, now at version v?([^\s(]+))?/;
const UP_TO_DATE = /Schema "([^"]+)" is up to date\. No migration necessary\./;
const CURRENT_VERSION = /Current version of schema "[^"]+": (.+)/;

/** E.g. `applied 3 migrations, now at version 3` or `up to date at version 3`. */
export function summarizeFlywayLog(log: string): string {
    const applied = APPLIED.exec(log);
    if (applied) {
        const count = Number(applied[1]);
        return `applied ${count} migration${count === 1 ? "" : "s"}${applied[3] ? `, now at version ${applied[3]}` : ""}`;
    }
    if (UP_TO_DATE.test(log)) {
        const current = CURRENT_VERSION.exec(log);
        return current ? `up to date at version ${current[1].trim()}` : "up to date";
    }
    const lines = meaningfulLines(log);
    return lines.length > 0 ? lines[lines.length - 1] : "no output from Flyway";
}

/** What Flyway's log says about a failed run: the script, its line and the database's message, where it says so. */
export interface FlywayFailure {
    script?: string;
    line?: number;
    message: string;
}

const FAILED_SCRIPT = /(?:Failed to execute script|Migration) (\S+?\.sql)(?: failed)?\s*$/m;
const SCRIPT_LINE = /^Line\s*:\s*(\d+)/m;
const MESSAGE = /^Message\s*:\s*(.+)$/m;
// A file Flyway could not even parse (an unknown placeholder, say): the path, the line, then the reason.
const UNPARSABLE = /^ERROR: Unable to parse statement in (\S+?\.sql) at line (\d+) col \d+\.(?: See \S+ for more information\.)? (.+)$/m;
const FIRST_ERROR = /^ERROR: (.+)$/m;

/** Reads a failed run's log; the message falls back to Flyway's first ERROR line (validation, connection, clean). */
export function flywayFailure(log: string): FlywayFailure {
    const unparsable = UNPARSABLE.exec(log);
    if (unparsable) {
        return { script: unparsable[1].split("/").pop(), line: Number(unparsable[2]), message: unparsable[3].trim() };
    }
    const script = FAILED_SCRIPT.exec(log)?.[1];
    const line = SCRIPT_LINE.exec(log)?.[1];
    const message = MESSAGE.exec(log)?.[1] ?? FIRST_ERROR.exec(log)?.[1] ?? (meaningfulLines(log).pop() || "no output from Flyway");
    return { script, line: line === undefined ? undefined : Number(line), message: message.trim() };
}

/** The last `maxLines` non-empty lines, indented, for an error message. */
export function logTail(log: string, maxLines = 60): string {
    const lines = meaningfulLines(log);
    const shown = lines.slice(-maxLines);
    const skipped = lines.length - shown.length;
    return [...(skipped > 0 ? [`... (${skipped} earlier lines; see the container's log)`] : []), ...shown]
        .map((l) => `    ${l}`)
        .join("\n");
}

function meaningfulLines(log: string): string[] {
    return log
        .split(/\r?\n/)
        .map((line) => line.trimEnd())
        .filter((line) => line.trim() !== "");
}

/** What to do about a failure whose cause the log names, beyond fixing the migration; empty when it names none. */
export function failureHint(log: string): string {
    if (/canceling statement due to lock timeout/.test(log)) {
        return (
            "A migration statement waited longer than migrationLockTimeoutSeconds for a lock that another transaction holds (a long " +
            "query, or a transaction left open, on the same table); it was rolled back and nothing changed, and the table's traffic " +
            "went on meanwhile. Run it again once that transaction is gone (pg_stat_activity shows it), or raise " +
            "migrationLockTimeoutSeconds for this service.\n"
        );
    }
    if (/Unable to obtain connection from database/.test(log)) {
        return (
            "Flyway never reached the database: its server did not start, or cannot be reached, while Flyway kept trying " +
            "(on Docker, 120 s from the database container's start). Nothing migrated. Look at the database's own log first " +
            "(on Docker: docker logs <stack>-<service>-db), fix it, then run Flyway again as below.\n"
        );
    }
    return "";
}
