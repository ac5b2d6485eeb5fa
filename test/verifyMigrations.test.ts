import * as fs from "fs";
import * as path from "path";
import { LOCK_FILE, readLock, withNewFiles, writeLock } from "../components/migrationLock";
import { readMigrationFolder } from "../components/migrationFiles";
import { projectWith } from "./support/fixtures";
import { testPostgres, uniqueSuffix } from "./support/postgres";
import { PROJECT_DIR } from "./support/stackFiles";
import { HISTORY_TABLE } from "./tools/flywayRun";
import { withClient } from "./tools/pgClient";
import { migrateServiceDatabase, reportTable, suffixedNames, verifyAll } from "./tools/verifyMigrations";

const server = testPostgres();

/** A migrations folder with `files` for one service, locked as `npm run lock-migrations` would lock it. */
function lockedMigrations(service: string, files: Record<string, string>): string {
    const root = path.join(projectWith({ [service]: files }), "migrations");
    const set = readMigrationFolder(service, path.join(root, service)).migrations;
    if (set) writeLock(root, withNewFiles({}, service, set).lock);
    return root;
}

describe("verify-migrations on a real PostgreSQL", () => {
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

    it("names the service, the file, PostgreSQL's error and its line when a migration is broken", async () => {
        const root = lockedMigrations("broken", {
            "V1__books.sql": "CREATE TABLE books (id bigint PRIMARY KEY);\n",
            "V2__copies.sql": "-- copies of books\nCREATE TABLE copies (\n    id bigint PRIMARY KEY,\n    book_id bigint REFERENCES bookz (id)\n);\n",
            "V3__never_reached.sql": "CREATE TABLE later (id int);\n",
        });
        const { failures, databases } = await verifyAll(server, root, uniqueSuffix());
        expect(databases).toEqual([]);
        // PostgreSQL gives no position for this error, so the line is where the failing statement starts (as Flyway says).
        expect(failures).toEqual([expect.stringMatching(/^broken: V2__copies\.sql failed at line 2: relation "bookz" does not exist \(.*broken\/V2__copies\.sql\)$/)]);
    });

    it.each([
        ["a syntax error", "CREATE TABLE a (id int);\n\nCREATE TABLE b (\n    id int,,\n);\n", 4, 'syntax error at or near ","'],
        ["an error PostgreSQL positions", "CREATE TABLE a (id int);\nCREATE VIEW v AS\n    SELECT id,\n           x\n    FROM a;\n", 4, 'column "x" does not exist'],
        ["an unknown placeholder", "CREATE TABLE a (id int);\nGRANT SELECT ON a TO ${reader};\n", undefined, "No value provided for placeholder: ${reader}"],
    ])("pins %s to its line", async (_, sql, line, message) => {
        const root = lockedMigrations("pinned", { "V1__only.sql": sql as string });
        const { failures } = await verifyAll(server, root, uniqueSuffix());
        expect(failures).toEqual([expect.stringContaining(`pinned: V1__only.sql failed${line === undefined ? "" : ` at line ${line}`}: ${message}`)]);
    });

    it("rejects a misnamed file with the program's own naming rules", async () => {
        const root = lockedMigrations("misnamed", { "V1__ok.sql": "SELECT 1;", "V2_missing_underscore.sql": "SELECT 2;" });
        const { failures } = await verifyAll(server, root, uniqueSuffix());
        expect(failures).toEqual([expect.stringContaining("misnamed/V2_missing_underscore.sql: separates version and description with one '_'; Flyway needs two")]);
    });

    it("catches a locked migration that was edited, one that vanished, and one not locked yet", async () => {
        const root = lockedMigrations("edited", { "V1__a.sql": "CREATE TABLE a (id int);\n", "V2__b.sql": "CREATE TABLE b (id int);\n" });
        fs.writeFileSync(path.join(root, "edited", "V1__a.sql"), "CREATE TABLE a (id bigint);\n");
        fs.rmSync(path.join(root, "edited", "V2__b.sql"));
        fs.writeFileSync(path.join(root, "edited", "V3__c.sql"), "CREATE TABLE c (id int);\n");
        const { failures } = await verifyAll(server, root, uniqueSuffix());
        expect(failures).toEqual([
            expect.stringMatching(/edited\/V1__a\.sql: changed after it was locked \(checksum -?\d+, locked -?\d+\); Flyway refuses .* e\.g\. V4__<description>\.sql$/),
            expect.stringContaining("edited/V3__c.sql: not in the migration lock yet; run `npm run lock-migrations` and commit flyway.lock.json"),
            expect.stringContaining("edited/V2__b.sql: is locked but missing"),
        ]);
    });

    it("applies each migration exactly once and records Flyway's checksums", async () => {
        const root = path.join(PROJECT_DIR, "migrations");
        const set = readMigrationFolder("catalog", path.join(root, "catalog")).migrations!;
        const names = suffixedNames("catalog", uniqueSuffix());
        const first = await migrateServiceDatabase(server, "catalog", set, names);
        expect(first.applied).toEqual(["V1__create_authors_and_books.sql", "V2__create_copies.sql", "V3__add_title_search.sql"]);
        const history = await withClient(first.owner, async (client) =>
            (await client.query(`SELECT script, checksum FROM "${HISTORY_TABLE}" ORDER BY installed_rank`)).rows,
        );
        expect(Object.fromEntries(history.map((h) => [h.script, h.checksum]))).toEqual(readLock(root).catalog);
        const { flywayMigrate } = await import("./tools/flywayRun");
        const second = await withClient(first.owner, (client) => flywayMigrate(client, "catalog", set, { app_user: names.appUser, app_password: "x" }));
        expect(second.applied).toEqual([]);
    });
});

describe("the committed lock", () => {
    it("lists exactly the versioned migrations of every service", () => {
        const root = path.join(PROJECT_DIR, "migrations");
        const lock = readLock(root);
        for (const service of ["catalog", "identity", "reader-lending"]) {
            const files = readMigrationFolder(service, path.join(root, service)).migrations!.files.filter((f) => f.kind === "versioned");
            expect(lock[service]).toEqual(Object.fromEntries(files.map((f) => [f.fileName, f.checksum])));
        }
        expect(fs.readFileSync(path.join(root, LOCK_FILE), "utf8")).toContain("Never edit a locked file");
    });
});
