/**
 * The lock timeout of every migration session, on a real PostgreSQL with real Flyway and the program's own Flyway
 * configuration: a migration queued behind a long transaction gives up after the timeout, with a message that says
 * so, instead of holding its table's readers and writers up behind it until that transaction ends.
 */
import * as fs from "fs";
import * as path from "path";
import { Client } from "pg";
import { flywayEnvironment } from "../../components/flyway/config";
import { readMigrationFolder } from "../../components/flyway/migrationFiles";
import { migrationFailedMessage } from "../../components/targets/docker/exitCodeGate";
import { createServiceDatabase, runServiceFlyway, suffixedNames } from "../../tools/lib/verify";
import { projectWith } from "../support/fixtures";
import { testPostgres, uniqueSuffix } from "../support/postgres";

const server = testPostgres();
const LOCK_TIMEOUT_SECONDS = 2;
/** How long the long transaction holds its lock: far beyond the timeout. */
const HELD_MS = 20_000;

it("fails a migration that waits longer than the lock timeout, and lets the table's traffic through meanwhile", async () => {
    const root = path.join(
        projectWith({ shelf: { "V1__books.sql": "CREATE TABLE books (id bigint PRIMARY KEY, title text);\n" } }),
        "migrations",
    );
    const set = () => readMigrationFolder("shelf", path.join(root, "shelf")).migrations!;
    const db = await createServiceDatabase(server, "shelf", suffixedNames("shelf", uniqueSuffix()));
    expect((await runServiceFlyway(server, db, set())).exitCode).toBe(0);
    // The program's own setting for a service with migrationLockTimeoutSeconds: 2.
    const initSql = flywayEnvironment({
        jdbcUrl: "",
        user: "",
        password: "",
        appUser: "",
        appPassword: "",
        lockTimeoutSeconds: LOCK_TIMEOUT_SECONDS,
    }).FLYWAY_INIT_SQL as string;

    const login = { host: "127.0.0.1", port: server.port, user: db.names.owner, password: db.ownerPassword, database: db.names.database };
    const holder = new Client(login);
    const reader = new Client(login);
    await Promise.all([holder.connect(), reader.connect()]);
    try {
        // A long transaction that read the table: its ACCESS SHARE lock stays until it ends.
        await holder.query("BEGIN");
        await holder.query("SELECT count(*) FROM books");
        // It ends at HELD_MS at the latest, so that a migration without a timeout finishes (late) rather than hangs.
        const released = Date.now() + HELD_MS;
        let timer: NodeJS.Timeout | undefined;
        const release = new Promise<void>((resolve) => (timer = setTimeout(resolve, HELD_MS))).then(() => holder.query("COMMIT"));

        fs.writeFileSync(path.join(root, "shelf", "V2__note.sql"), "ALTER TABLE books ADD COLUMN note text;\n");
        const started = Date.now();
        const migration = runServiceFlyway(server, db, set(), "migrate", { FLYWAY_INIT_SQL: initSql });
        // Once the ALTER waits for its lock, a plain read queues behind it: it must not wait for the long transaction.
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const read = reader.query("SELECT count(*) FROM books").then(() => Date.now());
        const run = await migration;
        const readDone = await read;

        expect(run.exitCode).not.toBe(0);
        expect(run.log).toContain("canceling statement due to lock timeout");
        expect(Date.now() - started).toBeLessThan(HELD_MS / 2);
        expect(readDone).toBeLessThan(released);
        const message = migrationFailedMessage(
            { service: "shelf", status: "failed", exitCode: run.exitCode, log: run.log },
            "urn:x",
            "its apps were",
        );
        expect(message).toContain("canceling statement due to lock timeout");
        expect(message).toContain("migrationLockTimeoutSeconds");
        clearTimeout(timer);
        await holder.query("COMMIT");
        void release;
    } finally {
        await Promise.all([holder.end(), reader.end()]);
    }
}, 60_000);
