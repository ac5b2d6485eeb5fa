/**
 * The migration-safety rules: statements that break the release still running while Flyway migrates (in this design
 * the apps keep serving during a migration, and on Kubernetes old and new pods overlap in every rollout), or that
 * block its writes while they run. Each rule says why, and the safe way. Drawn from PostgreSQL's locking documentation
 * and from the linters made for this (squawk, strong_migrations, Atlas's migrate lint).
 */

export interface SafetyRule {
    /** What the statement does to the running release. */
    why: string;
    /** The safe way. */
    safe: string;
}

export const SAFETY_RULES = {
    "drop-column": {
        why: "drops a column the running release may still read or write",
        safe: "stop using the column in the app and deploy that release; drop the column in a later one (expand, then contract)",
    },
    "drop-table": {
        why: "drops a table the running release may still use",
        safe: "stop using the table in the app and deploy that release; drop the table in a later one",
    },
    "rename-column": {
        why: "renames a column the running release still uses by its old name",
        safe: "add the new column, write both and backfill, move reads to the new one, and drop the old column in a later release",
    },
    "rename-table": {
        why: "renames a table the running release still uses by its old name",
        safe: "create the new table (or a view with the new name), move the app to it, and drop the old name in a later release",
    },
    "change-column-type": {
        why:
            "changes a column's type, which rewrites the table under an ACCESS EXCLUSIVE lock (blocking reads and writes) " +
            "unless the types " +
            "are binary-compatible, and the running release may not handle the new type",
        safe: "add a column of the new type, write both and backfill, move the app to it, and drop the old column in a later release",
    },
    "set-not-null": {
        why: "scans the whole table under an ACCESS EXCLUSIVE lock, and fails the running release's inserts that leave the column empty",
        safe:
            "ship the release that always writes the column first; then ADD CONSTRAINT ... CHECK (column IS NOT NULL) NOT VALID, " +
            "VALIDATE " +
            "CONSTRAINT in a later migration, and SET NOT NULL after it (PostgreSQL 12+ uses the valid check and skips the scan)",
    },
    "add-column-not-null-without-default": {
        why: "adds a NOT NULL column without a default: the running release inserts rows without it, and they fail",
        safe: "add the column nullable (or with a DEFAULT), backfill, then set NOT NULL in a later release",
    },
    "create-index-non-concurrently": {
        why: "builds an index on an existing table while blocking its writes (a SHARE lock) for the whole build",
        safe:
            "CREATE INDEX CONCURRENTLY, alone in a migration of its own: it cannot run inside a transaction, and Flyway runs a migration " +
            "that holds only such statements outside one",
    },
    "add-foreign-key": {
        why: "adds a foreign key that checks every existing row while it locks both tables against writes",
        safe: "ADD CONSTRAINT ... FOREIGN KEY ... NOT VALID (checks new rows only), then VALIDATE CONSTRAINT in a later migration",
    },
    "add-check-constraint": {
        why: "adds a CHECK constraint that scans every existing row under an ACCESS EXCLUSIVE lock",
        safe: "ADD CONSTRAINT ... CHECK (...) NOT VALID (checks new rows only), then VALIDATE CONSTRAINT in a later migration",
    },
    "add-unique-constraint": {
        why: "adds a UNIQUE or PRIMARY KEY constraint, which builds its index while blocking writes to the table",
        safe: "CREATE UNIQUE INDEX CONCURRENTLY in a migration of its own, then ALTER TABLE ... ADD CONSTRAINT ... UNIQUE USING INDEX",
    },
} satisfies Record<string, SafetyRule>;

export type RuleName = keyof typeof SAFETY_RULES;

export const RULE_NAMES = Object.keys(SAFETY_RULES) as RuleName[];
