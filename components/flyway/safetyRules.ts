/**
 * The migration-safety rules. In this design the apps keep serving while Flyway migrates (on Docker the running
 * containers, on Kubernetes the old pods, which overlap with the new ones in every rollout), so a new migration must
 * keep the *running* release working and must not hold up its traffic.
 *
 * The rule engine is squawk (https://squawkhq.com, the linter teams already run on PostgreSQL migrations; npm
 * `squawk-cli`), with every rule that protects a running release or live traffic on, its style rules off, and two of
 * its rules off because the stack already does what they ask. The library adds what squawk does not catch and this
 * design makes dangerous: dropping schemas, types, views, sequences and constraints the running release may use,
 * renaming an enum value, table rewrites and exclusive locks, and switching the stack's lock timeout off.
 *
 * Each rule says what it protects (`breaks`): the running release (`release`), or live traffic (`traffic`); and
 * whether the contract phase accepts it (`contract`, see CONTRACT_PHASE_RULES below).
 */

export type Protects = "release" | "traffic";

export interface SafetyRule {
    source: "squawk" | "library";
    /** What a finding of the rule endangers. */
    breaks: readonly Protects[];
    /** What the statement does to the running release or its traffic, in this design. */
    why: string;
    /** The safe way. */
    safe: string;
    /** Where the rule is documented. */
    docs: string;
    /**
     * Accepted in the contract phase (a service's `contract/` folder), which runs once every replica runs the new
     * release: the statement removes what only the previous release used, and blocks no traffic.
     */
    contract: boolean;
}

/**
 * What the contract phase is for: removing what the previous release used and the new one does not, once no replica
 * of it is left. Nothing else: a rename or a new required column would break the release that is serving then, a
 * dropped database or a cascading truncate breaks every release, and what blocks live traffic blocks it in either
 * phase. `SET NOT NULL` is here (the new release always writes the column; the previous one may not have): it scans
 * the table under its lock unless a valid CHECK proves the column first, and the lock timeout bounds the wait.
 */
const CONTRACT_PHASE_RULES = new Set([
    "ban-drop-column",
    "ban-drop-table",
    "ban-drop-not-null",
    "adding-not-nullable-field",
    "drop-schema",
    "drop-type",
    "drop-view",
    "drop-sequence",
    "drop-constraint",
]);

const squawk = (breaks: Protects[], why: string, safe: string, name: string): [string, SafetyRule] => [
    name,
    { source: "squawk", breaks, why, safe, docs: `https://squawkhq.com/docs/${name}`, contract: CONTRACT_PHASE_RULES.has(name) },
];
const library = (breaks: Protects[], why: string, safe: string, name: string, page: string): [string, SafetyRule] => [
    name,
    { source: "library", breaks, why, safe, docs: `https://www.postgresql.org/docs/17/${page}`, contract: CONTRACT_PHASE_RULES.has(name) },
];
const LATER =
    "stop using it in the app first; then drop it in the service's contract/ folder, whose migrations run once every replica " +
    "runs the release that no longer uses it";

export const SAFETY_RULES: Readonly<Record<string, SafetyRule>> = Object.fromEntries([
    squawk(["release"], "drops a column the running release may still read or write", LATER, "ban-drop-column"),
    squawk(["release"], "drops a table the running release may still use", LATER, "ban-drop-table"),
    squawk(["release"], "drops a database", "never from a migration", "ban-drop-database"),
    squawk(
        ["release"],
        "drops NOT NULL: the running release may read the column as never empty, and the new one writes empty values",
        "ship a release that reads the column as nullable first; drop NOT NULL in a later one",
        "ban-drop-not-null",
    ),
    squawk(
        ["release"],
        "renames a column the running release still uses by its old name",
        "add the new column, keep both in step and backfill, move the app to the new one, and drop the old column in the " +
            "service's contract/ folder (docs/migrations.md, Renaming a column)",
        "renaming-column",
    ),
    squawk(
        ["release"],
        "renames a table the running release still uses by its old name",
        "create the new table (or a view with the new name), move the app to it, and drop the old name in the service's " +
            "contract/ folder",
        "renaming-table",
    ),
    squawk(
        ["release", "traffic"],
        "changes a column's type, which rewrites the table under an ACCESS EXCLUSIVE lock unless the types are binary-compatible, " +
            "and the running release may not handle the new type",
        "add a column of the new type, write both and backfill, move the app to it, and drop the old column in a later release",
        "changing-column-type",
    ),
    squawk(
        ["release"],
        "sets NOT NULL: the running release's inserts that leave the column empty fail, and the table is scanned under an " +
            "ACCESS EXCLUSIVE lock unless a valid CHECK (column IS NOT NULL) already proves it",
        "ship the release that always writes the column; then ADD CONSTRAINT … CHECK (column IS NOT NULL) NOT VALID, VALIDATE " +
            "CONSTRAINT in a later migration, and SET NOT NULL after it (PostgreSQL 12+ then skips the scan)",
        "adding-not-nullable-field",
    ),
    squawk(
        ["release"],
        "adds a NOT NULL column without a default: the running release inserts rows without it, and they fail",
        "add the column nullable (or with a DEFAULT), backfill, then set NOT NULL in a later release",
        "adding-required-field",
    ),
    squawk(
        ["release"],
        "truncates every table that refers to this one as well",
        "truncate the tables you mean, by name, without CASCADE",
        "ban-truncate-cascade",
    ),
    squawk(
        ["traffic"],
        "builds an index on an existing table while blocking its writes for the whole build",
        "CREATE INDEX CONCURRENTLY, alone in a migration of its own: Flyway runs a migration that holds only such statements " +
            "outside a transaction",
        "require-concurrent-index-creation",
    ),
    squawk(
        ["traffic"],
        "drops an index under an ACCESS EXCLUSIVE lock on its table",
        "DROP INDEX CONCURRENTLY, alone in a migration of its own",
        "require-concurrent-index-deletion",
    ),
    squawk(
        ["traffic"],
        "rebuilds an index while blocking the table's reads and writes",
        "REINDEX … CONCURRENTLY, alone in a migration of its own",
        "require-concurrent-reindex",
    ),
    squawk(
        ["traffic"],
        "adds a foreign key that checks every existing row while it locks both tables against writes",
        "ADD CONSTRAINT … FOREIGN KEY … NOT VALID (new rows only), then VALIDATE CONSTRAINT in a later migration",
        "adding-foreign-key-constraint",
    ),
    squawk(
        ["traffic"],
        "adds a constraint that scans every existing row while it blocks writes, or validates one in the transaction that added it",
        "ADD CONSTRAINT … NOT VALID in one migration, VALIDATE CONSTRAINT in a later one",
        "constraint-missing-not-valid",
    ),
    squawk(
        ["traffic"],
        "adds a UNIQUE constraint, which builds its index while blocking writes",
        "CREATE UNIQUE INDEX CONCURRENTLY in a migration of its own, then ADD CONSTRAINT … UNIQUE USING INDEX",
        "disallowed-unique-constraint",
    ),
    squawk(
        ["traffic"],
        "adds a primary key, which builds its index under an ACCESS EXCLUSIVE lock (and, with a serial column, rewrites the table)",
        "CREATE UNIQUE INDEX CONCURRENTLY in a migration of its own, then ADD CONSTRAINT … PRIMARY KEY USING INDEX",
        "adding-serial-primary-key-field",
    ),
    squawk(
        ["traffic"],
        "adds a column whose default is volatile, an identity or stored-generated, which rewrites the table under an ACCESS " +
            "EXCLUSIVE lock",
        "add the column without that default, then SET DEFAULT (it applies to new rows only), and backfill in batches",
        "adding-field-with-default",
    ),
    squawk(
        ["traffic"],
        "adds a serial column to an existing table, which fills it from the sequence: a rewrite under an ACCESS EXCLUSIVE lock",
        "add a nullable bigint column, then SET DEFAULT nextval(…) (new rows only), backfill in batches, and SET NOT NULL later",
        "prefer-identity",
    ),
    squawk(
        ["traffic"],
        "adds a constraint to a domain, which checks every column of that domain while locking their tables",
        "create a new domain with the constraint and move columns to it",
        "ban-alter-domain-with-add-constraint",
    ),
    squawk(
        ["traffic"],
        "runs CREATE INDEX CONCURRENTLY inside a transaction, which PostgreSQL refuses",
        "put the concurrent statement alone in a migration of its own",
        "ban-concurrent-index-creation-in-transaction",
    ),
    squawk(
        ["traffic"],
        "opens or ends a transaction inside a migration, which Flyway already runs in one",
        "remove BEGIN/COMMIT: Flyway runs each migration in a transaction of its own",
        "transaction-nesting",
    ),
    squawk(
        ["traffic"],
        "leaves a transaction open at the end of the file, holding its locks",
        "close the transaction, or better, leave transactions to Flyway",
        "ban-uncommitted-transaction",
    ),
    library(
        ["traffic"],
        "adds a column with a CHECK, which scans every existing row under an ACCESS EXCLUSIVE lock",
        "add the column, then ADD CONSTRAINT … CHECK (…) NOT VALID, and VALIDATE CONSTRAINT in a later migration",
        "add-column-with-check",
        "sql-altertable.html",
    ),
    library(["release"], "drops a schema the running release may still use", LATER, "drop-schema", "sql-dropschema.html"),
    library(["release"], "drops a type the running release may still use", LATER, "drop-type", "sql-droptype.html"),
    library(["release"], "drops a view the running release may still read", LATER, "drop-view", "sql-dropview.html"),
    library(["release"], "drops a sequence the running release may still draw from", LATER, "drop-sequence", "sql-dropsequence.html"),
    library(
        ["release"],
        "drops a constraint the running release may rely on (an ON CONFLICT target, a foreign key it depends on), under an " +
            "ACCESS EXCLUSIVE lock",
        LATER,
        "drop-constraint",
        "sql-altertable.html",
    ),
    library(
        ["release"],
        "renames an enum value the running release still writes and reads by its old name",
        "add the new value, move the app to it, and stop using the old one in a later release",
        "rename-enum-value",
        "sql-altertype.html",
    ),
    library(
        ["traffic"],
        "rewrites the whole table under an ACCESS EXCLUSIVE lock, blocking every read and write until it is done",
        "plain VACUUM (no lock against reads and writes), or pg_repack outside the deploy",
        "vacuum-full",
        "sql-vacuum.html",
    ),
    library(
        ["traffic"],
        "rewrites the whole table in index order under an ACCESS EXCLUSIVE lock",
        "run it outside the deploy in a maintenance window, or use pg_repack",
        "cluster",
        "sql-cluster.html",
    ),
    library(
        ["traffic"],
        "rewrites the whole table (SET LOGGED or UNLOGGED) under an ACCESS EXCLUSIVE lock",
        "create the table as it must be from the start, or switch it outside the deploy",
        "set-logged",
        "sql-altertable.html",
    ),
    library(
        ["traffic"],
        "locks a table explicitly, blocking the running release's writes (or reads) for the rest of the migration",
        "leave locking to each statement, which takes only the lock it needs, for as short as it needs",
        "lock-table",
        "sql-lock.html",
    ),
    library(
        ["traffic"],
        "switches off the lock timeout the stack sets for every migration session: a statement queued behind a long transaction " +
            "would then block every reader and writer of its table until it gets its lock",
        "keep the stack's lock timeout (migrationLockTimeoutSeconds) and retry the deploy when a migration times out",
        "lock-timeout-off",
        "runtime-config-client.html#GUC-LOCK-TIMEOUT",
    ),
]);

export const RULE_NAMES = Object.keys(SAFETY_RULES);

/**
 * squawk's rules that stay off, and why: its style rules, which say nothing about a running release or its traffic,
 * and two that ask for what the stack already does for every migration session.
 */
export const SQUAWK_RULES_OFF: Readonly<Record<string, string>> = {
    "prefer-robust-stmts": "style: IF [NOT] EXISTS; Flyway runs each migration once, in a transaction",
    "prefer-bigint-over-int": "style",
    "prefer-bigint-over-smallint": "style",
    "prefer-text-field": "style",
    "prefer-timestamp-tz": "style",
    "ban-char-field": "style",
    "require-table-schema": "style",
    "require-enum-value-ordering": "style: where a new value sorts",
    "ban-create-domain-with-constraint": "style: a new domain with constraints blocks nothing",
    "require-lock-timeout": "the stack sets lock_timeout for every migration session (migrationLockTimeoutSeconds)",
    "require-statement-timeout": "the migration as a whole has a deadline (migrationTimeoutSeconds); a long backfill is legitimate",
};
