/** Reading what real Flyway 11 prints (the Flyway container's log) in each case that matters, with its exit code. */
import * as fs from "fs";
import * as path from "path";
import { failureHint, flywayFailure, logTail, summarizeFlywayLog } from "../../components/flyway/log";
import { migrationFailedMessage } from "../../components/targets/docker/exitCodeGate";
import { MigrationSet, readMigrationFolder } from "../../components/flyway/migrationFiles";
import { projectWith } from "../support/fixtures";
import { testPostgres, uniqueSuffix } from "../support/postgres";
import { createServiceDatabase, runServiceFlyway, ServiceDatabase, suffixedNames } from "../../tools/lib/verify";

const server = testPostgres();
const V1 = "CREATE TABLE books (id bigint PRIMARY KEY, title text NOT NULL);\n";
const V2 = "CREATE TABLE copies (id bigint PRIMARY KEY, book_id bigint REFERENCES books (id));\n";
const BROKEN_V3 = "ALTER TABLE copies ADD COLUMN shelf text;\nCREATE INDEX copies_shelf ON copies (shelf_code);\n";

describe("Flyway's log, from real Flyway", () => {
    let root: string;
    let db: ServiceDatabase;
    const set = (): MigrationSet => readMigrationFolder("logs", path.join(root, "logs")).migrations!;
    beforeAll(async () => {
        root = path.join(projectWith({ logs: { "V1__books.sql": V1, "V2__copies.sql": V2 } }), "migrations");
        db = await createServiceDatabase(server, "logs", suffixedNames("logs", uniqueSuffix()));
    });

    // The cases run in order on one database, as a service's runs do.
    it("success: exit 0, summarized as what it applied", async () => {
        const run = await runServiceFlyway(server, db, set());
        expect(run.exitCode).toBe(0);
        expect(run.log).toMatch(/^Flyway OSS Edition 11\.\d+\.\d+ by Redgate/);
        expect(summarizeFlywayLog(run.log)).toBe("applied 2 migrations, now at version 2");
    });

    it("already up to date: exit 0, summarized with the version", async () => {
        const run = await runServiceFlyway(server, db, set());
        expect(run.exitCode).toBe(0);
        expect(summarizeFlywayLog(run.log)).toBe("up to date at version 2");
    });

    it("a failing migration: exit 1, the file, its line and PostgreSQL's message, in the error and in the log tail", async () => {
        fs.writeFileSync(path.join(root, "logs", "V3__shelves.sql"), BROKEN_V3);
        const run = await runServiceFlyway(server, db, set());
        expect(run.exitCode).toBe(1);
        expect(flywayFailure(run.log)).toEqual({
            script: "V3__shelves.sql",
            line: 2,
            message: 'ERROR: column "shelf_code" does not exist',
        });
        const message = migrationFailedMessage(
            { service: "logs", status: "failed", exitCode: run.exitCode, log: run.log },
            "urn:x",
            "its app containers were",
        );
        expect(message).toContain('Migration of schema "public" to version "3 - shelves" failed! Changes successfully rolled back.');
        expect(message).toContain('Message    : ERROR: column "shelf_code" does not exist');
        fs.rmSync(path.join(root, "logs", "V3__shelves.sql"));
    });

    it("an applied file that changed: exit 1, Flyway's validation message", async () => {
        fs.writeFileSync(path.join(root, "logs", "V1__books.sql"), V1.replace("bigint", "int"));
        const run = await runServiceFlyway(server, db, set());
        expect(run.exitCode).toBe(1);
        expect(flywayFailure(run.log).message).toBe("Validate failed: Migrations have failed validation");
        expect(logTail(run.log)).toContain("Migration checksum mismatch for migration version 1");
        fs.writeFileSync(path.join(root, "logs", "V1__books.sql"), V1);
    });

    it("an unreachable database: exit 1, the connection error", async () => {
        // Retries shortened for the test; on Docker the container retries 120 times, 1 s apart.
        const unreachable = { FLYWAY_URL: "jdbc:postgresql://127.0.0.1:1/nowhere", FLYWAY_CONNECT_RETRIES: "0" };
        const run = await runServiceFlyway(server, db, set(), "migrate", unreachable);
        expect(run.exitCode).toBe(1);
        expect(flywayFailure(run.log).message).toMatch(/^Connection to 127\.0\.0\.1:1 refused/);
        expect(logTail(run.log)).toContain("ERROR: Unable to obtain connection from database (jdbc:postgresql://127.0.0.1:1/nowhere)");
        // The way out points at the database, not at the migration.
        expect(failureHint(run.log)).toMatch(/^Flyway never reached the database: .*docker logs <stack>-<service>-db/s);
    });
});

describe("logTail", () => {
    it("keeps the last lines, indented, and says how many it left out", () => {
        const log = Array.from({ length: 100 }, (_, i) => `line ${i + 1}`).join("\n");
        const tail = logTail(log, 3).split("\n");
        expect(tail).toEqual(["    ... (97 earlier lines; see the container's log)", "    line 98", "    line 99", "    line 100"]);
    });
});

describe("summarizeFlywayLog", () => {
    it("falls back to the last line", () => {
        expect(summarizeFlywayLog("something\nunexpected\n\n")).toBe("unexpected");
        expect(summarizeFlywayLog("")).toBe("no output from Flyway");
    });
});
