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

/** The last `maxLines` non-empty lines, indented, for an error message. */
export function logTail(log: string, maxLines = 60): string {
    const lines = meaningfulLines(log);
    const shown = lines.slice(-maxLines);
    const skipped = lines.length - shown.length;
    return [...(skipped > 0 ? [`... (${skipped} earlier lines; see the container's log)`] : []), ...shown].map((l) => `    ${l}`).join("\n");
}

function meaningfulLines(log: string): string[] {
    return log
        .split(/\r?\n/)
        .map((line) => line.trimEnd())
        .filter((line) => line.trim() !== "");
}
