/**
 * The least-privilege app role on a real PostgreSQL, migrated by real Flyway: rows yes, schema changes and Flyway's
 * history no.
 */
import * as fs from "fs";
import * as path from "path";
import { Client } from "pg";
import { readMigrationFolder } from "../../components/flyway/migrationFiles";
import { projectWith } from "../support/fixtures";
import { testPostgres, uniqueSuffix } from "../support/postgres";
import { expectRejected, INSUFFICIENT_PRIVILEGE, migratedService } from "../support/serviceDatabases";
import { FLYWAY_HISTORY_TABLE as HISTORY_TABLE } from "../../components/flyway/config";
import { withClient } from "../../tools/lib/pgClient";
import { createServiceDatabase, migrate, ServiceDatabase, suffixedNames } from "../../tools/lib/verify";

/** Runs `work` as the app role inside a transaction that is rolled back, so tests leave no rows behind. */
async function asApp(db: ServiceDatabase, work: (client: Client) => Promise<void>): Promise<void> {
    await withClient(db.app, async (client) => {
        await client.query("BEGIN");
        try {
            await work(client);
        } finally {
            await client.query("ROLLBACK");
        }
    });
}

const ROW_WORK: Record<string, { table: string; insert: string; update: string }> = {
    identity: {
        table: "users",
        insert: "INSERT INTO users (email, display_name, password_hash) VALUES ('ada@example.org', 'Ada', 'x') RETURNING id",
        update: "UPDATE users SET display_name = 'Ada L.' WHERE id = $1",
    },
    catalog: {
        table: "books",
        insert: "INSERT INTO books (isbn, title) VALUES ('9780441013593', 'Dune') RETURNING id",
        update: "UPDATE books SET title = 'Dune (1965)' WHERE id = $1",
    },
    "reader-lending": {
        table: "readers",
        insert: "INSERT INTO readers (identity_user_id, card_number, full_name) VALUES (1, 'CARD0001', 'Ada') RETURNING id",
        update: "UPDATE readers SET max_open_loans = 3 WHERE id = $1",
    },
};

// The same callback, run by the owner each platform has: the postgres image's superuser on Docker, CloudNativePG's
// owner with CREATEROLE on Kubernetes.
const OWNERS = ["postgres-image", "cloudnative-pg"] as const;
const CASES = OWNERS.flatMap((owner) => Object.keys(ROW_WORK).map((service) => [service, owner] as const));

describe.each(CASES)("the %s app role, owner from %s", (service, owner) => {
    let db: ServiceDatabase;
    beforeAll(async () => {
        db = await migratedService(service, owner);
    });
    const { table, insert, update } = ROW_WORK[service];

    it("reads and writes rows, using the tables' identity sequences", async () => {
        await asApp(db, async (client) => {
            const id = (await client.query(insert)).rows[0].id;
            expect((await client.query(update, [id])).rowCount).toBe(1);
            expect((await client.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n).toBe(1);
            expect((await client.query(`DELETE FROM ${table} WHERE id = $1`, [id])).rowCount).toBe(1);
        });
    });

    it.each([
        ["create a table", "CREATE TABLE scratch (id int)"],
        ["alter a table", `ALTER TABLE <table> ADD COLUMN extra text`],
        ["drop a table", `DROP TABLE <table>`],
        ["create an index", `CREATE INDEX scratch_idx ON <table> (id)`],
        ["truncate a table", `TRUNCATE <table>`],
        ["create a schema", "CREATE SCHEMA scratch"],
        ["create a function", "CREATE FUNCTION scratch() RETURNS int LANGUAGE sql AS 'SELECT 1'"],
        ["create a role", "CREATE ROLE scratch"],
        ["read Flyway's history", `SELECT * FROM ${HISTORY_TABLE}`],
        ["rewrite Flyway's history", `DELETE FROM ${HISTORY_TABLE}`],
    ])("cannot %s", async (_, sql) => {
        await asApp(db, (client) => expectRejected(client, sql.replace("<table>", table), [], INSUFFICIENT_PRIVILEGE));
    });

    it("has no superuser, database or role powers", async () => {
        const attributes = await withClient(
            db.owner,
            async (client) =>
                (
                    await client.query("SELECT rolsuper, rolcreatedb, rolcreaterole, rolbypassrls FROM pg_roles WHERE rolname = $1", [
                        db.names.appUser,
                    ])
                ).rows[0],
        );
        expect(attributes).toEqual({ rolsuper: false, rolcreatedb: false, rolcreaterole: false, rolbypassrls: false });
    });
});

describe("the generated app-role callback", () => {
    it("grants tables that a later migration adds, and keeps the password in step", async () => {
        const root = path.join(
            projectWith({ later: { "V1__a.sql": "CREATE TABLE a (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);\n" } }),
            "migrations",
        );
        const created = await createServiceDatabase(testPostgres(), "later", suffixedNames("later", uniqueSuffix()));
        const db = await migrate(testPostgres(), created, readMigrationFolder("later", path.join(root, "later")).migrations!);

        fs.writeFileSync(
            path.join(root, "later", "V2__b.sql"),
            "CREATE TABLE b (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, note text);\n",
        );
        // A new @pulumi/random password for the app role, as after a destroy and re-create of the stack.
        const rotated = { ...db, appPassword: "rotated0password0from0pulumi0123" };
        const second = await migrate(testPostgres(), rotated, readMigrationFolder("later", path.join(root, "later")).migrations!);
        expect(second.applied).toEqual(["V2__b.sql"]);

        await withClient({ ...db.app, password: rotated.appPassword }, async (client) => {
            expect((await client.query("INSERT INTO b (note) VALUES ('granted') RETURNING id")).rows[0].id).toBe("1");
            expect((await client.query("SELECT count(*)::int AS n FROM a")).rows[0].n).toBe(0);
        });
        await expect(withClient(db.app, async () => undefined)).rejects.toThrow(/password authentication failed/);
    });
});
