/**
 * The migration-safety check: each rule on a table an earlier migration created (reported) and on one the same file
 * creates (not), the safe way (not), exceptions written in the migration, and locked files left alone.
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

/** The same statement on a table the file creates first. */
const onNewTable = (statement: string) =>
    `CREATE TABLE books2 (id bigint PRIMARY KEY, title text, isbn text, author_id bigint);\n${statement.replace(/\bbooks\b/, "books2")}`;

const RULES: [string, string, string][] = [
    ["drop-column", "ALTER TABLE books DROP COLUMN title;", "ALTER TABLE books ADD COLUMN subtitle text;"],
    // The safe way to drop is to stop using it first; the drop itself then comes with the reason it is safe.
    ["drop-table", "DROP TABLE books;", "-- lint:allow drop-table the catalog stopped using books in 3.0\nDROP TABLE books;"],
    ["rename-column", "ALTER TABLE books RENAME COLUMN title TO name;", "ALTER TABLE books ADD COLUMN name text;"],
    ["rename-table", "ALTER TABLE books RENAME TO volumes;", "CREATE VIEW volumes AS SELECT * FROM books;"],
    ["change-column-type", "ALTER TABLE books ALTER COLUMN isbn TYPE varchar(13);", "ALTER TABLE books ADD COLUMN isbn13 varchar(13);"],
    [
        "set-not-null",
        "ALTER TABLE books ALTER COLUMN title SET NOT NULL;",
        "ALTER TABLE books ADD CONSTRAINT title_present CHECK (title IS NOT NULL) NOT VALID;",
    ],
    [
        "add-column-not-null-without-default",
        "ALTER TABLE books ADD COLUMN pages int NOT NULL;",
        "ALTER TABLE books ADD COLUMN pages int NOT NULL DEFAULT 0;",
    ],
    [
        "create-index-non-concurrently",
        "CREATE INDEX books_title ON books (title);",
        "CREATE INDEX CONCURRENTLY books_title ON books (title);",
    ],
    [
        "add-foreign-key",
        "ALTER TABLE books ADD CONSTRAINT books_author FOREIGN KEY (author_id) REFERENCES authors (id);",
        "ALTER TABLE books ADD CONSTRAINT books_author FOREIGN KEY (author_id) REFERENCES authors (id) NOT VALID;",
    ],
    [
        "add-check-constraint",
        "ALTER TABLE books ADD CONSTRAINT isbn_length CHECK (length(isbn) = 13);",
        "ALTER TABLE books VALIDATE CONSTRAINT isbn_length;",
    ],
    [
        "add-unique-constraint",
        "ALTER TABLE books ADD CONSTRAINT books_isbn UNIQUE (isbn);",
        "ALTER TABLE books ADD CONSTRAINT books_isbn UNIQUE USING INDEX books_isbn_idx;",
    ],
];

describe("migration safety rules", () => {
    it("has a case below for every rule", () => {
        expect(RULES.map(([rule]) => rule).sort()).toEqual([...RULE_NAMES].sort());
    });

    it.each(RULES)("%s: reported on an existing table, at the statement's line", (rule, unsafe) => {
        expect(findings(`-- a comment\n\n${unsafe}\n`)).toEqual([`3 ${rule}`]);
    });

    it.each(RULES)("%s: not reported on a table the same file creates", (_, unsafe) => {
        expect(findings(onNewTable(unsafe))).toEqual([]);
    });

    it.each(RULES)("%s: the safe way passes", (_, __, safe) => {
        expect(findings(safe)).toEqual([]);
    });

    it("also catches the rules inside ADD COLUMN: inline references, checks and unique keys", () => {
        expect(
            findings(
                "ALTER TABLE books ADD COLUMN editor_id bigint REFERENCES authors (id), ADD COLUMN code text UNIQUE CHECK (code <> '');",
            ),
        ).toEqual(["1 add-foreign-key", "1 add-check-constraint", "1 add-unique-constraint"]);
    });

    it("reads schema-qualified names, and the tables earlier migrations renamed or dropped", () => {
        expect(findings("ALTER TABLE public.books DROP COLUMN isbn;")).toEqual(["1 drop-column"]);
        const message = migrationSafetyFindings(
            {
                folder: "svc",
                files: [
                    file("V1__books.sql", V1),
                    file("V2__rename.sql", "ALTER TABLE books RENAME TO volumes;"),
                    file("V3__drop.sql", "ALTER TABLE volumes DROP COLUMN title;"),
                ],
            },
            {},
        ).find((f) => f.file === "V3__drop.sql")!.message;
        expect(message).toMatch(
            /^drops volumes\.title \(a table of V1__books\.sql\): it drops a column the running release may still read or write\. Safe way/,
        );
    });

    it("reports a file PostgreSQL's parser refuses, at its line, and reads Flyway placeholders as names", () => {
        expect(findings("CREATE TABLE ok (id int);\nALTER TABLE books DROP COLUMN;\n")).toEqual(["2 syntax"]);
        expect(findings('GRANT SELECT ON books TO "${reader}";\nCREATE TABLE t_${suffix} (id int);\n')).toEqual([]);
    });

    it("never reports a file already in the lock", () => {
        expect(findings("ALTER TABLE books DROP COLUMN title;", true)).toEqual([]);
    });

    it("names the service, the file, the line, the rule and the safe way", () => {
        const set: MigrationSet = {
            folder: "migrations/catalog",
            files: [file("V1__books.sql", V1), file("V2__drop.sql", "\nALTER TABLE books DROP COLUMN title;\n")],
        };
        expect(migrationSafetyProblems("catalog", set, {})).toEqual([
            "catalog: migrations/catalog/V2__drop.sql:2: drop-column: drops books.title (a table of V1__books.sql): " +
                "it drops a column the running release may still read or write. " +
                "Safe way: stop using the column in the app and deploy that release; drop the column in a later one (expand, " +
                "then contract). If it is safe here, say so above the statement: -- lint:allow drop-column <reason>",
        ]);
    });
});

describe("exceptions written in the migration", () => {
    it("excuse the statement right below them", () => {
        expect(findings("-- lint:allow drop-column the app stopped reading title in 1.4\nALTER TABLE books DROP COLUMN title;")).toEqual(
            [],
        );
    });

    it("excuse only that statement, and only that rule", () => {
        expect(
            findings(
                "-- lint:allow drop-column unused since 1.4\nALTER TABLE books DROP COLUMN title;\nALTER TABLE books DROP COLUMN isbn;",
            ),
        ).toEqual(["3 drop-column"]);
        expect(findings("-- lint:allow drop-table wrong rule\nALTER TABLE books DROP COLUMN title;")).toEqual([
            "1 lint:allow",
            "2 drop-column",
        ]);
    });

    it.each([
        ["without a reason", "-- lint:allow drop-column\nALTER TABLE books DROP COLUMN title;", "allows drop-column without a reason"],
        [
            "with an unknown rule",
            "-- lint:allow drop-colum it is fine\nALTER TABLE books DROP COLUMN title;",
            "'drop-colum' is not a rule (did you mean drop-column?)",
        ],
        ["naming no rule", "-- lint:allow\nALTER TABLE books DROP COLUMN title;", "names no rule"],
        [
            "above a statement that needs none",
            "-- lint:allow drop-column just in case\nALTER TABLE books ADD COLUMN note text;",
            "allows drop-column, which the statement below it does not break",
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
            /catalog: \S*migrations\/catalog\/V4__drop_title\.sql:1: drop-column: drops books\.title \(a table of V1__create_authors/,
        );
    });

    it("lets it through with an exception that says why", () => {
        const dir = withNewCatalogMigration(
            "-- lint:allow drop-column the catalog service stopped using title in 2.0\nALTER TABLE books DROP COLUMN title;\n",
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
