/**
 * The migration-safety check: each rule (squawk's and the library's) on what an earlier migration created (reported)
 * and on what the same file creates (not), the safe way (not), exceptions written in the migration, callbacks and
 * repeatables, and locked files left alone.
 */
import * as fs from "fs";
import * as path from "path";
import { validateStack } from "../../components/config/validateStack";
import { readLock } from "../../components/flyway/lock";
import { MigrationFile, MigrationSet, readMigrationFolder } from "../../components/flyway/migrationFiles";
import { migrationSafetyFindings, migrationSafetyProblems } from "../../components/flyway/migrationSafety";
import { RULE_NAMES } from "../../components/flyway/safetyRules";
import { PROJECT_DIR } from "../../tools/lib/repository";
import { projectWith, serviceBlock } from "../support/fixtures";

const V1 = `CREATE TABLE books (id bigint PRIMARY KEY, title text, isbn text, author_id bigint);
CREATE TABLE authors (id bigint PRIMARY KEY);
CREATE TABLE loose (code text);
CREATE VIEW shelf AS SELECT 1 AS x;
CREATE SEQUENCE seq;
CREATE TYPE mood AS ENUM ('a');
CREATE DOMAIN isbn AS text;
CREATE SCHEMA old;
`;

/** A service with V1 (applied, in the lock) and `sql` as a new V2; its findings as `line rule`. */
function findings(sql: string, lockV2 = false): string[] {
    const root = projectWith({ svc: { "V1__books.sql": V1, "V2__change.sql": sql } });
    const set = readMigrationFolder("svc", path.join(root, "migrations", "svc")).migrations!;
    const locked: Record<string, number> = {
        "V1__books.sql": set.files[0].checksum,
        ...(lockV2 ? { "V2__change.sql": set.files[1].checksum } : {}),
    };
    return migrationSafetyFindings(set, locked).map((f) => `${f.line} ${f.rule}`);
}

/** The same statements on objects the file creates first: every object of V1, created anew under another name. */
const onNewObjects = (statement: string) =>
    V1.replace(/\b(books|authors|loose|shelf|seq|mood|isbn|old)\b/g, "$1_new") +
    statement.replace(/\b(books|authors|loose|shelf|seq|mood|isbn|old)\b/g, "$1_new");

/** [rule, a statement that breaks it on what V1 created, the safe way]. */
const RULES: [string, string, string][] = [
    [
        "ban-drop-column",
        "ALTER TABLE books DROP COLUMN title;",
        "-- lint:allow ban-drop-column title unused since 2.0\nALTER TABLE books DROP COLUMN title;",
    ],
    ["ban-drop-table", "DROP TABLE books;", "-- lint:allow ban-drop-table the catalog stopped using books in 3.0\nDROP TABLE books;"],
    ["ban-drop-database", "DROP DATABASE other;", "SELECT 1;"],
    ["ban-drop-not-null", "ALTER TABLE books ALTER COLUMN title DROP NOT NULL;", "ALTER TABLE books ADD COLUMN title2 text;"],
    ["renaming-column", "ALTER TABLE books RENAME COLUMN title TO name;", "ALTER TABLE books ADD COLUMN name text;"],
    ["renaming-table", "ALTER TABLE books RENAME TO volumes;", "CREATE VIEW volumes AS SELECT * FROM books;"],
    ["changing-column-type", "ALTER TABLE books ALTER COLUMN isbn TYPE varchar(13);", "ALTER TABLE books ADD COLUMN isbn13 varchar(13);"],
    [
        "adding-not-nullable-field",
        "ALTER TABLE books ALTER COLUMN title SET NOT NULL;",
        "ALTER TABLE books ADD CONSTRAINT title_present CHECK (title IS NOT NULL) NOT VALID;",
    ],
    [
        "adding-required-field",
        "ALTER TABLE books ADD COLUMN pages int NOT NULL;",
        "ALTER TABLE books ADD COLUMN pages int NOT NULL DEFAULT 0;",
    ],
    ["ban-truncate-cascade", "TRUNCATE books CASCADE;", "TRUNCATE books;"],
    [
        "require-concurrent-index-creation",
        "CREATE INDEX books_title ON books (title);",
        "CREATE INDEX CONCURRENTLY books_title ON books (title);",
    ],
    ["require-concurrent-index-deletion", "DROP INDEX books_pkey;", "DROP INDEX CONCURRENTLY books_pkey;"],
    ["require-concurrent-reindex", "REINDEX TABLE books;", "REINDEX TABLE CONCURRENTLY books;"],
    [
        "adding-foreign-key-constraint",
        "ALTER TABLE books ADD COLUMN editor_id bigint REFERENCES authors (id);",
        "ALTER TABLE books ADD CONSTRAINT books_author FOREIGN KEY (author_id) REFERENCES authors (id) NOT VALID;",
    ],
    [
        "constraint-missing-not-valid",
        "ALTER TABLE books ADD CONSTRAINT isbn_length CHECK (length(isbn) = 13);",
        "ALTER TABLE books ADD CONSTRAINT isbn_length CHECK (length(isbn) = 13) NOT VALID;",
    ],
    [
        "disallowed-unique-constraint",
        "ALTER TABLE books ADD COLUMN code text UNIQUE;",
        "ALTER TABLE books ADD CONSTRAINT books_isbn UNIQUE USING INDEX books_isbn_idx;",
    ],
    [
        "adding-serial-primary-key-field",
        "ALTER TABLE loose ADD COLUMN id bigint PRIMARY KEY;",
        "ALTER TABLE loose ADD CONSTRAINT loose_pk PRIMARY KEY USING INDEX loose_code;",
    ],
    [
        "adding-field-with-default",
        "ALTER TABLE books ADD COLUMN token uuid DEFAULT gen_random_uuid();",
        "ALTER TABLE books ADD COLUMN created timestamptz DEFAULT now();",
    ],
    ["prefer-identity", "ALTER TABLE books ADD COLUMN n serial;", "ALTER TABLE books ADD COLUMN n bigint;"],
    [
        "ban-alter-domain-with-add-constraint",
        "ALTER DOMAIN isbn ADD CONSTRAINT isbn_len CHECK (length(VALUE) = 13);",
        "CREATE DOMAIN isbn13 AS text CHECK (length(VALUE) = 13);",
    ],
    [
        "ban-concurrent-index-creation-in-transaction",
        "CREATE INDEX CONCURRENTLY books_title ON books (title);\nALTER TABLE books ADD COLUMN note text;",
        "CREATE INDEX CONCURRENTLY books_title ON books (title);",
    ],
    ["transaction-nesting", "COMMIT;", "ALTER TABLE books ADD COLUMN note text;"],
    ["ban-uncommitted-transaction", "BEGIN;", "ALTER TABLE books ADD COLUMN note text;"],
    ["add-column-with-check", "ALTER TABLE books ADD COLUMN code text CHECK (code <> '');", "ALTER TABLE books ADD COLUMN code text;"],
    ["drop-schema", "DROP SCHEMA old;", "CREATE SCHEMA newer;"],
    ["drop-type", "DROP TYPE mood;", "CREATE TYPE mood2 AS ENUM ('a');"],
    ["drop-view", "DROP VIEW shelf;", "CREATE OR REPLACE VIEW shelf AS SELECT 1 AS x;"],
    ["drop-sequence", "DROP SEQUENCE seq;", "CREATE SEQUENCE seq2;"],
    ["drop-constraint", "ALTER TABLE books DROP CONSTRAINT books_pkey;", "ALTER TABLE books ADD COLUMN note text;"],
    ["rename-enum-value", "ALTER TYPE mood RENAME VALUE 'a' TO 'z';", "ALTER TYPE mood ADD VALUE 'z';"],
    ["vacuum-full", "VACUUM FULL books;", "VACUUM books;"],
    ["cluster", "CLUSTER books USING books_pkey;", "ANALYZE books;"],
    ["set-logged", "ALTER TABLE books SET UNLOGGED;", "ALTER TABLE books SET (fillfactor = 90);"],
    ["lock-table", "LOCK TABLE books;", "LOCK TABLE books IN ACCESS SHARE MODE;"],
    ["lock-timeout-off", "SET lock_timeout = 0;", "SET lock_timeout = '5s';"],
];

/** Rules whose statement also breaks another, reported with it. */
const ALSO: Record<string, string[]> = {
    "adding-serial-primary-key-field": ["constraint-missing-not-valid"],
    "transaction-nesting": [],
    "ban-uncommitted-transaction": ["transaction-nesting"],
};

describe("migration safety rules", () => {
    it("has a case below for every rule", () => {
        expect(RULES.map(([rule]) => rule).sort()).toEqual([...RULE_NAMES].sort());
    });

    it.each(RULES)("%s: reported on what an earlier migration created, at the statement's line", (rule, unsafe) => {
        const found = findings(`-- a comment\n\n${unsafe}\n`).filter((f) => !(ALSO[rule] ?? []).some((other) => f === `3 ${other}`));
        expect(found).toContain(`3 ${rule}`);
        expect(found.every((f) => f.startsWith("3 ") || f.startsWith("4 "))).toBe(true);
    });

    /** Rules about no object of the file's (a database, a transaction, a setting), and indexes, which are not followed. */
    const NOT_ON_OBJECTS = [
        "ban-drop-database",
        "transaction-nesting",
        "ban-uncommitted-transaction",
        "lock-timeout-off",
        "ban-concurrent-index-creation-in-transaction",
        "require-concurrent-index-deletion",
    ];
    it.each(RULES.filter(([rule]) => !NOT_ON_OBJECTS.includes(rule)))("%s: not reported on what the same file creates", (_, unsafe) => {
        expect(findings(onNewObjects(unsafe))).toEqual([]);
    });

    it.each(RULES)("%s: the safe way passes", (_, __, safe) => {
        expect(findings(safe)).toEqual([]);
    });

    it("does not take CREATE TABLE IF NOT EXISTS for a new table: the table may be there already", () => {
        expect(findings("CREATE TABLE IF NOT EXISTS books (id bigint);\nCREATE INDEX books_title ON books (title);")).toEqual([
            "2 require-concurrent-index-creation",
        ]);
    });

    it("reads schema-qualified names, and the tables earlier migrations renamed or dropped", () => {
        expect(findings("ALTER TABLE public.books DROP COLUMN isbn;")).toEqual(["1 ban-drop-column"]);
        const message = migrationSafetyFindings(
            {
                folder: "svc",
                files: [
                    file("V1__books.sql", V1),
                    file("V2__rename.sql", "-- lint:allow renaming-table no release reads it\nALTER TABLE books RENAME TO volumes;"),
                    file("V3__drop.sql", "ALTER TABLE volumes DROP COLUMN title;"),
                ],
            },
            { "V1__books.sql": 0, "V2__rename.sql": 0 },
        ).find((f) => f.file === "V3__drop.sql")!.message;
        expect(message).toMatch(/^Dropping a column may break existing clients \(volumes: a table of V1__books\.sql\): it drops a column/);
    });

    it("reports a file PostgreSQL's parser refuses, at its line, and reads Flyway placeholders as names", () => {
        expect(findings("CREATE TABLE ok (id int);\nALTER TABLE books DROP COLUMN;\n")).toEqual(["2 syntax"]);
        expect(findings('GRANT SELECT ON books TO "${reader}";\nCREATE TABLE t_${suffix} (id int);\n')).toEqual([]);
    });

    it("never reports a file already in the lock", () => {
        expect(findings("ALTER TABLE books DROP COLUMN title;", true)).toEqual([]);
    });

    it("checks callbacks and repeatables like migrations, and again whenever their content is not the locked one", () => {
        const root = projectWith({
            svc: {
                "V1__books.sql": V1,
                "beforeMigrate.sql": "ALTER TABLE books DROP COLUMN title;\n",
                "R__views.sql": "DROP VIEW shelf;\n",
            },
        });
        const set = readMigrationFolder("svc", path.join(root, "migrations", "svc")).migrations!;
        const checksum = (name: string) => set.files.find((f) => f.fileName === name)!.checksum;
        const found = (locked: Record<string, number>) => migrationSafetyFindings(set, locked).map((f) => `${f.file} ${f.rule}`);
        expect(found({ "V1__books.sql": 0 })).toEqual(["R__views.sql drop-view", "beforeMigrate.sql ban-drop-column"]);
        expect(found({ "V1__books.sql": 0, "beforeMigrate.sql": checksum("beforeMigrate.sql"), "R__views.sql": 1 })).toEqual([
            "R__views.sql drop-view",
        ]);
    });

    it("names the service, the file, the line, the rule, why, the safe way, the rule's documentation and the way to excuse it", () => {
        const set: MigrationSet = {
            folder: "migrations/catalog",
            files: [file("V1__books.sql", V1), file("V2__drop.sql", "\nALTER TABLE books DROP COLUMN title;\n")],
        };
        expect(migrationSafetyProblems("catalog", set, { "V1__books.sql": 0 })).toEqual([
            "catalog: migrations/catalog/V2__drop.sql:2: ban-drop-column: Dropping a column may break existing clients (books: a table " +
                "of V1__books.sql): it drops a column the running release may still read or write. Safe way: stop using it in the app " +
                "first; then drop it in the service's contract/ folder, whose migrations run once every replica runs the release that no " +
                "longer uses it. See https://squawkhq.com/docs/ban-drop-column. " +
                "If it is safe here, say so above the statement: -- lint:allow ban-drop-column <reason>",
        ]);
    });
});

describe("exceptions written in the migration", () => {
    it("excuse the statement right below them", () => {
        expect(
            findings("-- lint:allow ban-drop-column the app stopped reading title in 1.4\nALTER TABLE books DROP COLUMN title;"),
        ).toEqual([]);
    });

    it("excuse only that statement, and only that rule", () => {
        expect(
            findings(
                "-- lint:allow ban-drop-column unused since 1.4\nALTER TABLE books DROP COLUMN title;\nALTER TABLE books DROP COLUMN isbn;",
            ),
        ).toEqual(["3 ban-drop-column"]);
        expect(findings("-- lint:allow ban-drop-table wrong rule\nALTER TABLE books DROP COLUMN title;")).toEqual([
            "1 lint:allow",
            "2 ban-drop-column",
        ]);
    });

    it("refuse squawk's own ignore comments, which take no reason, and the finding stands", () => {
        expect(findings("-- squawk-ignore ban-drop-column\nALTER TABLE books DROP COLUMN title;")).toEqual([
            "1 squawk-ignore",
            "2 ban-drop-column",
        ]);
    });

    it.each([
        [
            "without a reason",
            "-- lint:allow ban-drop-column\nALTER TABLE books DROP COLUMN title;",
            "allows ban-drop-column without a reason",
        ],
        [
            "with an unknown rule",
            "-- lint:allow ban-drop-colum it is fine\nALTER TABLE books DROP COLUMN title;",
            "'ban-drop-colum' is not a rule (did you mean ban-drop-column?)",
        ],
        ["naming no rule", "-- lint:allow\nALTER TABLE books DROP COLUMN title;", "names no rule"],
        [
            "above a statement that needs none",
            "-- lint:allow ban-drop-column just in case\nALTER TABLE books ADD COLUMN note text;",
            "allows ban-drop-column, which the statement below it does not break",
        ],
    ])("are errors themselves %s", (_, sql, message) => {
        const root = projectWith({ svc: { "V1__books.sql": V1, "V2__change.sql": sql } });
        const set = readMigrationFolder("svc", path.join(root, "migrations", "svc")).migrations!;
        const found = migrationSafetyFindings(set, { "V1__books.sql": set.files[0].checksum }).filter((f) => f.rule === "lint:allow");
        expect(found).toEqual([expect.objectContaining({ file: "V2__change.sql", line: 1, message: expect.stringContaining(message) })]);
    });
});

describe("in the stack's validation", () => {
    /** A copy of this repository's migrations, with its lock, and a new catalog migration. */
    function withNewCatalogMigration(sql: string): string {
        const dir = projectWith({});
        fs.cpSync(path.join(PROJECT_DIR, "migrations"), path.join(dir, "migrations"), { recursive: true });
        fs.writeFileSync(path.join(dir, "migrations", "catalog", "V4__drop_title.sql"), sql);
        return dir;
    }
    const stack = { services: { catalog: serviceBlock() } };

    it("stops a pull request's preview that drops a column the running release uses", () => {
        expect(() => validateStack(stack, withNewCatalogMigration("ALTER TABLE books DROP COLUMN title;\n"), "library")).toThrow(
            /catalog: \S*migrations\/catalog\/V4__drop_title\.sql:1: ban-drop-column: Dropping a column may break existing clients/,
        );
    });

    it("lets it through with an exception that says why", () => {
        const dir = withNewCatalogMigration(
            "-- lint:allow ban-drop-column the catalog service stopped using title in 2.0\nALTER TABLE books DROP COLUMN title;\n",
        );
        expect(validateStack(stack, dir, "library").services[0].name).toBe("catalog");
    });

    it("passes this repository's migrations, which are all locked", () => {
        const root = path.join(PROJECT_DIR, "migrations");
        for (const service of ["catalog", "identity", "reader-lending"]) {
            expect(
                migrationSafetyProblems(
                    service,
                    readMigrationFolder(service, path.join(root, service)).migrations!,
                    readLock(root)[service],
                ),
            ).toEqual([]);
        }
    });
});

function file(fileName: string, content: string): MigrationFile {
    const version = /^V(\d+)/.exec(fileName)?.[1];
    return { fileName, kind: "versioned", version, description: fileName, content, checksum: 0 };
}
