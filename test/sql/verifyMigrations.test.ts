/**
 * verify-migrations and the program's Flyway configuration, on real Flyway and a real PostgreSQL.
 */
import * as fs from "fs";
import * as path from "path";
import { FLYWAY_HISTORY_TABLE } from "../../components/flyway/config";
import { flywayChecksum } from "../../components/flyway/checksum";
import { readLock, withNewFiles, writeLock } from "../../components/flyway/lock";
import { MigrationSet, readMigrationFolder } from "../../components/flyway/migrationFiles";
import { projectWith } from "../support/fixtures";
import { testPostgres, uniqueSuffix } from "../support/postgres";
import { PROJECT_DIR } from "../../tools/lib/repository";
import { withClient } from "../../tools/lib/pgClient";
import {
    createServiceDatabase,
    migrate,
    migrateServiceDatabase,
    reportTable,
    runServiceFlyway,
    suffixedNames,
    verifyAll,
} from "../../tools/lib/verify";

const server = testPostgres();

/** A migrations folder with `files` for one service, locked as `npm run lock-migrations` would lock it. */
function lockedMigrations(service: string, files: Record<string, string>): string {
    const root = path.join(projectWith({ [service]: files }), "migrations");
    const set = readMigrationFolder(service, path.join(root, service)).migrations;
    if (set) writeLock(root, withNewFiles({}, service, set).lock);
    return root;
}

const setOf = (root: string, service: string): MigrationSet => readMigrationFolder(service, path.join(root, service)).migrations!;

describe("verify-migrations, real Flyway on a real PostgreSQL", () => {
    it("applies every service's migrations in this repository and matches the committed lock", async () => {
        const { databases, failures } = await verifyAll(server, path.join(PROJECT_DIR, "migrations"), uniqueSuffix());
        expect(failures).toEqual([]);
        expect(databases.map((d) => [d.service, d.applied.length, d.tables])).toEqual([
            ["catalog", 3, 4],
            ["identity", 3, 3],
            ["reader-lending", 3, 3],
        ]);
        expect(reportTable(databases).split("\n")).toEqual([
            "service         files applied  tables",
            "catalog         3              4",
            "identity        3              3",
            "reader-lending  3              3",
        ]);
    });

    it("names the service, the file, the line and PostgreSQL's message when a migration is broken", async () => {
        const root = lockedMigrations("broken", {
            "V1__books.sql": "CREATE TABLE books (id bigint PRIMARY KEY);\n",
            "V2__copies.sql":
                "-- copies of books\nCREATE TABLE copies (\n    id bigint PRIMARY KEY,\n    book_id bigint REFERENCES bookz (id)\n);\n",
            "V3__never_reached.sql": "CREATE TABLE later (id int);\n",
        });
        const { failures, databases } = await verifyAll(server, root, uniqueSuffix());
        expect(databases).toEqual([]);
        expect(failures).toEqual([
            expect.stringMatching(
                /^broken: V2__copies\.sql failed at line 2: ERROR: relation "bookz" does not exist \(.*broken\/V2__copies\.sql\)$/,
            ),
        ]);
    });

    it.each([
        ["a syntax error", "CREATE TABLE a (id int);\n\nCREATE TABLE b (\n    id int,,\n);\n", 3, 'ERROR: syntax error at or near ","'],
        [
            "an unknown placeholder",
            "CREATE TABLE a (id int);\nGRANT SELECT ON a TO ${reader};\n",
            1,
            "No value provided for placeholder: ${reader}",
        ],
    ])("reports %s as Flyway does", async (_, sql, line, message) => {
        const root = lockedMigrations("pinned", { "V1__only.sql": sql as string });
        const { failures } = await verifyAll(server, root, uniqueSuffix());
        expect(failures).toEqual([
            expect.stringContaining(`pinned: ${line === undefined ? "" : `V1__only.sql failed at line ${line}: `}${message}`),
        ]);
    });

    it("rejects a misnamed file with the program's own naming rules, before Flyway runs", async () => {
        const root = lockedMigrations("misnamed", { "V1__ok.sql": "SELECT 1;", "V2_missing_underscore.sql": "SELECT 2;" });
        const { failures } = await verifyAll(server, root, uniqueSuffix());
        expect(failures).toEqual([
            expect.stringContaining("misnamed/V2_missing_underscore.sql: separates version and description with one '_'; Flyway needs two"),
        ]);
    });

    it("catches a locked migration that was edited, one that vanished, and one not locked yet", async () => {
        const root = lockedMigrations("edited", { "V1__a.sql": "CREATE TABLE a (id int);\n", "V2__b.sql": "CREATE TABLE b (id int);\n" });
        fs.writeFileSync(path.join(root, "edited", "V1__a.sql"), "CREATE TABLE a (id bigint);\n");
        fs.rmSync(path.join(root, "edited", "V2__b.sql"));
        fs.writeFileSync(path.join(root, "edited", "V3__c.sql"), "CREATE TABLE c (id int);\n");
        const { failures } = await verifyAll(server, root, uniqueSuffix());
        expect(failures).toEqual([
            expect.stringMatching(
                /edited\/V1__a\.sql: changed after it was locked \(checksum -?\d+, locked -?\d+\); .* e\.g\. V4__<description>\.sql$/,
            ),
            expect.stringContaining(
                "edited/V3__c.sql: not in the migration lock yet; run `npm run lock-migrations` (it checks the file first) and commit " +
                    "flyway.lock.json",
            ),
            expect.stringContaining("edited/V2__b.sql: is locked but missing"),
        ]);
    });
});

describe("the program's Flyway configuration, on real Flyway", () => {
    it("applies each migration once, records the lock's checksums, and applies nothing on a second run", async () => {
        const root = path.join(PROJECT_DIR, "migrations");
        const first = await migrateServiceDatabase(server, "catalog", setOf(root, "catalog"), suffixedNames("catalog", uniqueSuffix()));
        expect(first.applied).toEqual(["V1__create_authors_and_books.sql", "V2__create_copies.sql", "V3__add_title_search.sql"]);
        const history = await withClient(
            first.owner,
            async (client) => (await client.query(`SELECT script, checksum FROM "${FLYWAY_HISTORY_TABLE}" WHERE version IS NOT NULL`)).rows,
        );
        expect(Object.fromEntries(history.map((h) => [h.script, h.checksum]))).toEqual(readLock(root).catalog);
        const second = await migrate(server, first, setOf(root, "catalog"));
        expect(second.applied).toEqual([]);
    });

    it("computes the checksum Flyway records for every migration, whatever its line endings or byte-order mark", async () => {
        const files: Record<string, string> = {
            "V1__unix.sql": "CREATE TABLE unix_lines (id int);\nCOMMENT ON TABLE unix_lines IS 'plain';\n",
            "V2__windows.sql": "CREATE TABLE windows_lines (id int);\r\nCOMMENT ON TABLE windows_lines IS 'crlf';\r\n",
            "V3__bom.sql": "\uFEFFCREATE TABLE bom_lines (id int);\nCOMMENT ON TABLE bom_lines IS 'bom';\n",
            "V4__bom_and_windows.sql": "\uFEFFCREATE TABLE both_lines (id int);\r\n",
            "V5__no_final_newline.sql": "CREATE TABLE no_newline (id int);",
            "V6__unicode.sql": "CREATE TABLE unicode (name text DEFAULT 'Ærø — 書');\n",
            "R__view.sql": "CREATE OR REPLACE VIEW unicode_names AS SELECT name FROM unicode;\n",
        };
        const root = path.join(projectWith({ checksums: files }), "migrations");
        const db = await migrateServiceDatabase(server, "checksums", setOf(root, "checksums"), suffixedNames("checksums", uniqueSuffix()));
        const recorded = await withClient(
            db.owner,
            async (client) =>
                (
                    await client.query(
                        `SELECT script, checksum FROM "${FLYWAY_HISTORY_TABLE}" ` +
                            "WHERE script <> '<< Flyway Schema History table created >>'",
                    )
                ).rows,
        );
        expect(Object.fromEntries(recorded.map((r) => [r.script, r.checksum]))).toEqual(
            Object.fromEntries(Object.entries(files).map(([name, content]) => [name, flywayChecksum(content)])),
        );
    });

    it("fails on an applied file that was edited, with Flyway's own message", async () => {
        const root = path.join(projectWith({ drift: { "V1__a.sql": "CREATE TABLE a (id int);\n" } }), "migrations");
        const db = await migrateServiceDatabase(server, "drift", setOf(root, "drift"), suffixedNames("drift", uniqueSuffix()));
        fs.writeFileSync(path.join(root, "drift", "V1__a.sql"), "CREATE TABLE a (id bigint);\n");
        await expect(migrate(server, db, setOf(root, "drift"))).rejects.toThrow(
            /^drift: Flyway failed: Validate failed: Migrations have failed validation/,
        );
    });

    it("refuses a misnamed file itself (validateMigrationNaming), where Flyway's default would skip it", async () => {
        const db = await createServiceDatabase(server, "naming", suffixedNames("naming", uniqueSuffix()));
        const misnamed: MigrationSet = {
            folder: "-",
            files: [
                {
                    fileName: "V1_init.sql",
                    kind: "versioned",
                    version: "1",
                    description: "init",
                    content: "CREATE TABLE t (id int);\n",
                    checksum: 0,
                },
            ],
        };
        const run = await runServiceFlyway(server, db, misnamed);
        expect(run.exitCode).toBe(1);
        expect(run.log).toContain("Invalid versioned migration name format: V1_init.sql");
    });

    it("refuses `clean`, which would drop every object of the schema", async () => {
        const db = await migrateServiceDatabase(
            server,
            "cleaning",
            setOf(path.join(PROJECT_DIR, "migrations"), "identity"),
            suffixedNames("cleaning", uniqueSuffix()),
        );
        const run = await runServiceFlyway(server, db, setOf(path.join(PROJECT_DIR, "migrations"), "identity"), "clean");
        expect(run.exitCode).toBe(1);
        expect(run.log).toContain("Unable to execute clean as it has been disabled");
        expect((await migrate(server, db, setOf(path.join(PROJECT_DIR, "migrations"), "identity"))).tables).toBe(3);
    });
});

describe("the safe ways the migration-safety check recommends, on real Flyway", () => {
    it("CREATE INDEX CONCURRENTLY alone in its migration applies; mixed with other statements, Flyway refuses it", async () => {
        const root = path.join(
            projectWith({
                safe: {
                    "V1__books.sql": "CREATE TABLE books (id bigint PRIMARY KEY, title text);\n",
                    "V2__index.sql": "CREATE INDEX CONCURRENTLY books_title ON books (title);\n",
                },
            }),
            "migrations",
        );
        const db = await migrateServiceDatabase(server, "safe", setOf(root, "safe"), suffixedNames("safe", uniqueSuffix()));
        expect(db.applied).toEqual(["V1__books.sql", "V2__index.sql"]);

        fs.writeFileSync(
            path.join(root, "safe", "V3__mixed.sql"),
            "ALTER TABLE books ADD COLUMN isbn text;\nCREATE INDEX CONCURRENTLY books_isbn ON books (isbn);\n",
        );
        await expect(migrate(server, db, setOf(root, "safe"))).rejects.toThrow(/V3__mixed\.sql|mixed/i);
    });

    it("a foreign key NOT VALID, then VALIDATE in a later migration, applies", async () => {
        const root = path.join(
            projectWith({
                fk: {
                    "V1__tables.sql":
                        "CREATE TABLE authors (id bigint PRIMARY KEY);\nCREATE TABLE books (id bigint PRIMARY KEY, author_id bigint);\n",
                    "V2__fk.sql":
                        "ALTER TABLE books ADD CONSTRAINT books_author FOREIGN KEY (author_id) REFERENCES authors (id) NOT VALID;\n",
                    "V3__validate.sql": "ALTER TABLE books VALIDATE CONSTRAINT books_author;\n",
                },
            }),
            "migrations",
        );
        const db = await migrateServiceDatabase(server, "fk", setOf(root, "fk"), suffixedNames("fk", uniqueSuffix()));
        expect(db.applied).toEqual(["V1__tables.sql", "V2__fk.sql", "V3__validate.sql"]);
    });
});
