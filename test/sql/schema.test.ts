/**
 * Each service's schema keeps its promises, exercised as the app role on a real PostgreSQL migrated by real Flyway.
 */
import { Client } from "pg";
import { CHECK_VIOLATION, expectRejected, FOREIGN_KEY_VIOLATION, migratedService, UNIQUE_VIOLATION } from "../support/serviceDatabases";
import { withClient } from "../../tools/lib/pgClient";
import { ServiceDatabase } from "../../tools/lib/verify";

/** Each case runs as the app role, the way the services will, in a transaction that is rolled back. */
function asAppIn(db: () => ServiceDatabase) {
    return (work: (client: Client) => Promise<void>) =>
        withClient(db().app, async (client) => {
            await client.query("BEGIN");
            try {
                await work(client);
            } finally {
                await client.query("ROLLBACK");
            }
        });
}

const id = async (client: Client, sql: string, params: unknown[] = []): Promise<string> => (await client.query(sql, params)).rows[0].id;

describe("identity schema", () => {
    let db: ServiceDatabase;
    beforeAll(async () => (db = await migratedService("identity")));
    const asApp = asAppIn(() => db);
    const addUser = (client: Client, email: string) =>
        id(client, "INSERT INTO users (email, display_name, password_hash) VALUES ($1, 'Someone', 'hash') RETURNING id", [email]);

    it("takes an email once, whatever its capitalisation", () =>
        asApp(async (client) => {
            await addUser(client, "ada@example.org");
            await expectRejected(
                client,
                "INSERT INTO users (email, display_name, password_hash) VALUES ('Ada@Example.org', 'Ada', 'h')",
                [],
                UNIQUE_VIOLATION,
                "users_email_unique",
            );
        }));

    it.each([
        [
            "an email without @",
            "INSERT INTO users (email, display_name, password_hash) VALUES ('ada.example.org', 'Ada', 'h')",
            "users_email_format",
        ],
        [
            "a blank display name",
            "INSERT INTO users (email, display_name, password_hash) VALUES ('b@example.org', '  ', 'h')",
            "users_display_name_not_blank",
        ],
        [
            "an unknown status",
            "INSERT INTO users (email, display_name, password_hash, status) VALUES ('c@example.org', 'C', 'h', 'gone')",
            "users_status_known",
        ],
        [
            "a negative failed sign-in count",
            "INSERT INTO users (email, display_name, password_hash, failed_sign_in_count) VALUES ('d@example.org', 'D', 'h', -1)",
            "users_failed_sign_in_count_non_negative",
        ],
    ])("refuses %s", (_, sql, constraint) => asApp((client) => expectRejected(client, sql, [], CHECK_VIOLATION, constraint)));

    it("grants known roles to existing users once, and drops grants with the user", () =>
        asApp(async (client) => {
            expect((await client.query("SELECT name FROM roles ORDER BY id")).rows.map((r) => r.name)).toEqual([
                "reader",
                "librarian",
                "admin",
            ]);
            const user = await addUser(client, "e@example.org");
            const grant = "INSERT INTO user_roles (user_id, role_id) SELECT $1, id FROM roles WHERE name = 'librarian'";
            await client.query(grant, [user]);
            await expectRejected(client, grant, [user], UNIQUE_VIOLATION, "user_roles_pkey");
            await expectRejected(client, grant, [-1], FOREIGN_KEY_VIOLATION, "user_roles_user_id_fkey");
            await client.query("DELETE FROM users WHERE id = $1", [user]);
            expect((await client.query("SELECT count(*)::int AS n FROM user_roles WHERE user_id = $1", [user])).rows[0].n).toBe(0);
        }));
});

describe("catalog schema", () => {
    let db: ServiceDatabase;
    beforeAll(async () => (db = await migratedService("catalog")));
    const asApp = asAppIn(() => db);
    const addBook = (client: Client, isbn: string, title = "Dune") =>
        id(client, "INSERT INTO books (isbn, title) VALUES ($1, $2) RETURNING id", [isbn, title]);

    it("takes an ISBN once, and only a well-formed ISBN-13", () =>
        asApp(async (client) => {
            await addBook(client, "9780441013593");
            await expectRejected(
                client,
                "INSERT INTO books (isbn, title) VALUES ('9780441013593', 'Dune again')",
                [],
                UNIQUE_VIOLATION,
                "books_isbn_key",
            );
            await expectRejected(
                client,
                "INSERT INTO books (isbn, title) VALUES ('0441013597', 'Dune')",
                [],
                CHECK_VIOLATION,
                "books_isbn_format",
            );
        }));

    it("takes a barcode once, for a copy of a book that exists, in a known status", () =>
        asApp(async (client) => {
            const book = await addBook(client, "9780441013593");
            await client.query("INSERT INTO copies (book_id, barcode) VALUES ($1, 'LIB000001')", [book]);
            await expectRejected(
                client,
                "INSERT INTO copies (book_id, barcode) VALUES ($1, 'LIB000001')",
                [book],
                UNIQUE_VIOLATION,
                "copies_barcode_key",
            );
            await expectRejected(
                client,
                "INSERT INTO copies (book_id, barcode) VALUES (-1, 'LIB000002')",
                [],
                FOREIGN_KEY_VIOLATION,
                "copies_book_id_fkey",
            );
            await expectRejected(
                client,
                "INSERT INTO copies (book_id, barcode) VALUES ($1, 'lib-2')",
                [book],
                CHECK_VIOLATION,
                "copies_barcode_format",
            );
            await expectRejected(
                client,
                "INSERT INTO copies (book_id, barcode, status) VALUES ($1, 'LIB000003', 'borrowed')",
                [book],
                CHECK_VIOLATION,
                "copies_status_known",
            );
            await expectRejected(client, "DELETE FROM books WHERE id = $1", [book], FOREIGN_KEY_VIOLATION, "copies_book_id_fkey");
        }));

    it("credits one author per position and finds titles by word", () =>
        asApp(async (client) => {
            const book = await addBook(client, "9780441013593", "Dune Messiah");
            const frank = await id(client, "INSERT INTO authors (full_name) VALUES ('Frank Herbert') RETURNING id");
            const brian = await id(client, "INSERT INTO authors (full_name) VALUES ('Brian Herbert') RETURNING id");
            await client.query("INSERT INTO book_authors (book_id, author_id, position) VALUES ($1, $2, 1)", [book, frank]);
            await expectRejected(
                client,
                "INSERT INTO book_authors (book_id, author_id, position) VALUES ($1, $2, 1)",
                [book, brian],
                UNIQUE_VIOLATION,
                "book_authors_one_author_per_position",
            );
            const found = await client.query("SELECT id FROM books WHERE title_search @@ to_tsquery('simple', 'messiah')");
            expect(found.rows.map((r) => r.id)).toEqual([book]);
        }));
});

describe("reader-lending schema", () => {
    let db: ServiceDatabase;
    beforeAll(async () => (db = await migratedService("reader-lending")));
    const asApp = asAppIn(() => db);
    const addReader = (client: Client, userId: number, card: string) =>
        id(client, "INSERT INTO readers (identity_user_id, card_number, full_name) VALUES ($1, $2, 'Reader') RETURNING id", [userId, card]);
    const lend = "INSERT INTO loans (reader_id, copy_id, due_at) VALUES ($1, $2, now() + interval '21 days') RETURNING id";

    it("gives each identity user and card number one reader", () =>
        asApp(async (client) => {
            await addReader(client, 1, "CARD0001");
            await expectRejected(
                client,
                "INSERT INTO readers (identity_user_id, card_number, full_name) VALUES (2, 'CARD0001', 'X')",
                [],
                UNIQUE_VIOLATION,
                "readers_card_number_key",
            );
            await expectRejected(
                client,
                "INSERT INTO readers (identity_user_id, card_number, full_name) VALUES (1, 'CARD0002', 'X')",
                [],
                UNIQUE_VIOLATION,
                "readers_identity_user_id_key",
            );
        }));

    it("never has a copy on two open loans, and lends it again once returned", () =>
        asApp(async (client) => {
            const ada = await addReader(client, 1, "CARD0001");
            const bob = await addReader(client, 2, "CARD0002");
            const loan = await id(client, lend, [ada, 42]);
            await expectRejected(client, lend, [bob, 42], UNIQUE_VIOLATION, "loans_one_open_loan_per_copy");
            await client.query("UPDATE loans SET returned_at = now() WHERE id = $1", [loan]);
            expect(await id(client, lend, [bob, 42])).toBeDefined();
        }));

    it.each([
        [
            "a loan due before it starts",
            "INSERT INTO loans (reader_id, copy_id, loaned_at, due_at) VALUES ($1, 7, now(), now() - interval '1 day')",
            "loans_due_after_loaned",
        ],
        [
            "a loan that ends before it starts",
            "INSERT INTO loans (reader_id, copy_id, loaned_at, due_at, returned_at) VALUES ($1, 7, now(), now() + interval '1 day', " +
                "now() - interval '1 hour')",
            "loans_returned_after_loaned",
        ],
        [
            "a fourth renewal",
            "INSERT INTO loans (reader_id, copy_id, due_at, renewals) VALUES ($1, 7, now() + interval '1 day', 4)",
            "loans_renewals_range",
        ],
        [
            "a reservation ready without a pickup deadline",
            "INSERT INTO reservations (reader_id, book_id, status) VALUES ($1, 9, 'ready')",
            "reservations_ready_has_deadline",
        ],
    ])("refuses %s", (_, sql, constraint) =>
        asApp(async (client) => {
            const reader = await addReader(client, 1, "CARD0001");
            await expectRejected(client, sql, [reader], CHECK_VIOLATION, constraint);
        }),
    );

    it("holds one live reservation per reader and title, and allows a new one after cancelling", () =>
        asApp(async (client) => {
            const reader = await addReader(client, 1, "CARD0001");
            const reserve = "INSERT INTO reservations (reader_id, book_id) VALUES ($1, 9) RETURNING id";
            const first = await id(client, reserve, [reader]);
            await expectRejected(client, reserve, [reader], UNIQUE_VIOLATION, "reservations_one_live_per_reader_and_book");
            await client.query("UPDATE reservations SET status = 'cancelled' WHERE id = $1", [first]);
            expect(await id(client, reserve, [reader])).toBeDefined();
        }));

    it("refuses a loan for a reader that does not exist", () =>
        asApp((client) => expectRejected(client, lend, [-1, 5], FOREIGN_KEY_VIOLATION, "loans_reader_id_fkey")));
});

describe("right after the one-shot migration", () => {
    it("every one of several app connections opened at once sees the complete schema", async () => {
        const db = await migratedService("reader-lending");
        const expected = ["loans", "readers", "reservations"];
        const seen = await Promise.all(
            Array.from({ length: 8 }, () =>
                withClient(db.app, async (client) => {
                    const tables = (
                        await client.query(
                            // information_schema lists only the tables this role has a privilege on.
                            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE " +
                                "TABLE' ORDER BY 1",
                        )
                    ).rows.map((r) => r.table_name);
                    for (const table of tables) await client.query(`SELECT count(*) FROM ${table}`);
                    return tables;
                }),
            ),
        );
        expect(seen).toEqual(Array.from({ length: 8 }, () => expected));
    });
});
