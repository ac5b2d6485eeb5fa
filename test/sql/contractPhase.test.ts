/**
 * The contract phase on a real PostgreSQL with real Flyway and the program's own Flyway configuration
 * (components/flyway/config.ts): its own history table beside the expand phase's, its first run on a schema the expand
 * phase already filled (which Flyway refuses without a baseline), the app role's grants after it, and a run that fails
 * and is run again. Then the rename recipe of docs/migrations.md, with the writes both releases make while they
 * overlap: a column renamed across releases, the old one dropped by the contract phase.
 */
import * as fs from "fs";
import * as path from "path";
import { Client } from "pg";
import { CONTRACT_HISTORY_TABLE, FLYWAY_HISTORY_TABLE } from "../../components/flyway/config";
import { readMigrationFolder } from "../../components/flyway/migrationFiles";
import { migrationSafetyFindings } from "../../components/flyway/migrationSafety";
import { contractFailedMessage } from "../../components/targets/docker/contractRun";
import { createServiceDatabase, migrate, MigrationFailure, runServiceFlyway, ServiceDatabase, suffixedNames } from "../../tools/lib/verify";
import { withClient } from "../../tools/lib/pgClient";
import { projectWith } from "../support/fixtures";
import { testPostgres, uniqueSuffix } from "../support/postgres";

const server = testPostgres();

/** The rename recipe's migrations, release by release (docs/migrations.md, "Renaming a column"). */
const RELEASE_1 = {
    "V1__create_books.sql": "CREATE TABLE books (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, code text NOT NULL);\n",
};
/** Release 2's expand: the new column, kept equal to the old one both ways while either release writes, and backfilled. */
const RELEASE_2_EXPAND = {
    "V2__add_isbn.sql": `ALTER TABLE books ADD COLUMN isbn text;

-- Until the old column is gone, each release writes the column it knows; the trigger fills in the other.
CREATE FUNCTION books_sync_isbn() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.isbn IS NULL THEN NEW.isbn := NEW.code; END IF;
    IF NEW.code IS NULL THEN NEW.code := NEW.isbn; END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER books_sync_isbn BEFORE INSERT OR UPDATE ON books FOR EACH ROW EXECUTE FUNCTION books_sync_isbn();
`,
    // Release 2 writes isbn only: the old column's NOT NULL must go before it does (the trigger fills it in meanwhile).
    "V3__backfill_isbn.sql": "UPDATE books SET isbn = code WHERE isbn IS NULL;\n",
};
/** Release 2's contract phase, once no replica of release 1 is left: the old column and the trigger go. */
const RELEASE_2_CONTRACT = {
    "contract/V1__drop_code.sql":
        "DROP TRIGGER books_sync_isbn ON books;\nDROP FUNCTION books_sync_isbn();\nALTER TABLE books DROP COLUMN code;\n",
};

const rows = (db: ServiceDatabase, sql: string, params: unknown[] = []) =>
    withClient(db.owner, async (c) => (await c.query(sql, params)).rows);

async function serviceWith(files: Record<string, string>) {
    const root = path.join(projectWith({ shelf: files }), "migrations");
    const db = await createServiceDatabase(server, "shelf", suffixedNames("shelf", uniqueSuffix()));
    return { root, db, set: () => readMigrationFolder("shelf", path.join(root, "shelf")).migrations! };
}

it("applies the contract phase against its own history, baselined below its first version, after the expand phase", async () => {
    const { root, db, set } = await serviceWith({ ...RELEASE_1, ...RELEASE_2_EXPAND, ...RELEASE_2_CONTRACT });
    // What Flyway does without the baseline settings: refuse the schema the expand phase filled.
    const bare = await runServiceFlyway(server, db, set(), "migrate", {}, undefined, "expand");
    expect(bare.exitCode).toBe(0);
    const refused = await runServiceFlyway(server, db, set(), "migrate", { FLYWAY_BASELINE_ON_MIGRATE: "false" }, undefined, "contract");
    expect(refused.exitCode).not.toBe(0);
    expect(refused.log).toMatch(/Found non-empty schema\(s\) "public" but no schema history table/);

    const migrated = await migrate(server, db, set(), ["contract"]);
    expect(migrated.applied).toEqual(["contract/V1__drop_code.sql"]);
    expect(await rows(db, `SELECT version, type, script FROM "${CONTRACT_HISTORY_TABLE}" ORDER BY installed_rank`)).toEqual([
        { version: "0", type: "BASELINE", script: "<< Contract phase baseline >>" },
        { version: "1", type: "SQL", script: "V1__drop_code.sql" },
    ]);
    // The expand phase's history is its own: three versions, nothing of the contract phase's.
    expect(
        (await rows(db, `SELECT version FROM "${FLYWAY_HISTORY_TABLE}" WHERE version IS NOT NULL ORDER BY installed_rank`)).map(
            (r) => r.version,
        ),
    ).toEqual(["1", "2", "3"]);
    expect(
        (await rows(db, "SELECT column_name FROM information_schema.columns WHERE table_name = 'books' ORDER BY ordinal_position")).map(
            (r) => r.column_name,
        ),
    ).toEqual(["id", "isbn"]);
    // The app role may use the tables and touch neither history, whichever phase ran last: each run's grants reach
    // every table, the other phase's history included, and each run takes both back.
    const historiesRefused = () =>
        withClient(db.app, async (c) => {
            await c.query("INSERT INTO books (isbn) VALUES ('9780000000001')");
            for (const table of [FLYWAY_HISTORY_TABLE, CONTRACT_HISTORY_TABLE]) {
                await expect(c.query(`SELECT * FROM "${table}"`)).rejects.toThrow(/permission denied/);
                await expect(c.query(`DELETE FROM "${table}"`)).rejects.toThrow(/permission denied/);
            }
        });
    await historiesRefused();
    // A later expand run: nothing to do, not confused by the other history, and the contract history still refused.
    fs.writeFileSync(path.join(root, "shelf", "V4__add_note.sql"), "ALTER TABLE books ADD COLUMN note text;\n");
    expect((await migrate(server, db, set())).applied).toEqual(["V4__add_note.sql"]);
    await historiesRefused();
}, 120_000);

it("runs the rename recipe with both releases writing as they overlap, and drops the old column only in the contract phase", async () => {
    const { root, db, set } = await serviceWith(RELEASE_1);
    await migrate(server, db, set());
    await withClient(db.app, (c) => c.query("INSERT INTO books (code) VALUES ('9780000000002')"));

    // Release 2's deploy, expand phase: release 1's replicas still serve, and release 2's start beside them.
    for (const [file, sql] of Object.entries(RELEASE_2_EXPAND)) fs.writeFileSync(path.join(root, "shelf", file), sql);
    expect(migrationSafetyFindings(set(), lockOf(set(), ["V1__create_books.sql"]))).toEqual([]);
    await migrate(server, db, set());
    await withClient(db.app, async (c) => {
        await c.query("INSERT INTO books (code) VALUES ('9780000000003')"); // release 1 writes code
        await c.query("INSERT INTO books (isbn) VALUES ('9780000000004')"); // release 2 writes isbn
        expect((await c.query("SELECT code FROM books ORDER BY id")).rows.map((r) => r.code)).toEqual([
            "9780000000002",
            "9780000000003",
            "9780000000004",
        ]);
        expect((await c.query("SELECT isbn FROM books ORDER BY id")).rows.map((r) => r.isbn)).toEqual([
            "9780000000002",
            "9780000000003",
            "9780000000004",
        ]);
    });

    // The drop, refused where it would break release 1, accepted in the contract phase.
    const drop = RELEASE_2_CONTRACT["contract/V1__drop_code.sql"];
    fs.writeFileSync(path.join(root, "shelf", "V4__drop_code.sql"), drop);
    expect(
        migrationSafetyFindings(set(), lockOf(set(), ["V1__create_books.sql", "V2__add_isbn.sql", "V3__backfill_isbn.sql"])).map(
            (f) => f.rule,
        ),
    ).toEqual(["ban-drop-column"]);
    fs.rmSync(path.join(root, "shelf", "V4__drop_code.sql"));
    fs.mkdirSync(path.join(root, "shelf", "contract"));
    fs.writeFileSync(path.join(root, "shelf", "contract", "V1__drop_code.sql"), drop);
    expect(migrationSafetyFindings(set(), lockOf(set(), ["V1__create_books.sql", "V2__add_isbn.sql", "V3__backfill_isbn.sql"]))).toEqual(
        [],
    );
    // Once no replica of release 1 is left: the contract phase.
    expect((await migrate(server, db, set(), ["contract"])).applied).toEqual(["contract/V1__drop_code.sql"]);
    await withClient(db.app, async (c) => {
        await c.query("INSERT INTO books (isbn) VALUES ('9780000000005')");
        await expect(c.query("SELECT code FROM books")).rejects.toThrow(/column "code" does not exist/);
        expect((await c.query("SELECT count(*)::int AS n FROM books WHERE isbn IS NOT NULL")).rows[0].n).toBe(4);
    });
}, 120_000);

it("fails a contract run that waits on a lock past the timeout, changes nothing, and applies when run again", async () => {
    const { db, set } = await serviceWith({ ...RELEASE_1, ...RELEASE_2_EXPAND, ...RELEASE_2_CONTRACT });
    await migrate(server, db, set(), ["expand"]);
    const holder = new Client(db.owner);
    await holder.connect();
    try {
        // A long transaction of the new release that read the table: the DROP COLUMN waits for it, then gives up.
        await holder.query("BEGIN");
        await holder.query("SELECT count(*) FROM books");
        const failure = await migrate(server, db, set(), ["contract"]).catch((error: unknown) => error);
        expect(failure).toBeInstanceOf(MigrationFailure);
        const failed = failure as MigrationFailure;
        expect(failed.file).toBe("contract/V1__drop_code.sql");
        expect(failed.reason).toMatch(/canceling statement due to lock timeout/);
        const message = contractFailedMessage({ service: "shelf", status: "failed", exitCode: 1, log: failed.log });
        expect(message).toMatch(
            /^shelf: the contract migrations failed in contract\/V1__drop_code\.sql at line \d+ \(Flyway exited with 1\)/,
        );
        expect(message).toContain("canceling statement due to lock timeout");
        await holder.query("COMMIT");
    } finally {
        await holder.end();
    }
    // Rolled back whole (one transaction), recorded nowhere: the next run applies it.
    expect(
        (await rows(db, "SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'books' AND column_name = 'code'"))[0]
            .n,
    ).toBe(1);
    expect(await rows(db, `SELECT version FROM "${CONTRACT_HISTORY_TABLE}" WHERE NOT success`)).toEqual([]);
    expect((await migrate(server, db, set(), ["contract"])).applied).toEqual(["contract/V1__drop_code.sql"]);
}, 120_000);

/** A lock holding `files` of `set` as applied. */
function lockOf(set: ReturnType<typeof readMigrationFolder>["migrations"] & object, files: string[]): Record<string, number> {
    return Object.fromEntries(set.files.filter((f) => files.includes(f.fileName)).map((f) => [f.fileName, f.checksum]));
}
