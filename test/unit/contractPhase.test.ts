/**
 * The contract phase's files: its folder (versioned migrations only), the lock over both phases (a file moved between
 * them refused), and the safety check that knows the phases: what breaks only the previous release is refused in the
 * expand phase, pointing to the contract folder, and accepted in the contract phase without an exception; what
 * blocks live traffic is refused in both.
 */
import * as path from "path";
import { lockProblems, MigrationLock, withNewFiles } from "../../components/flyway/lock";
import { readMigrationFolder } from "../../components/flyway/migrationFiles";
import { migrationSafetyFindings } from "../../components/flyway/migrationSafety";
import { projectWith } from "../support/fixtures";

const V1 = "CREATE TABLE books (id bigint PRIMARY KEY, title text, isbn text);\n";

/** The service `svc` with `files` (keys under `contract/` in the contract phase), read as the program reads it. */
const read = (files: Record<string, string>) => readMigrationFolder("svc", path.join(projectWith({ svc: files }), "migrations", "svc"));

/** Findings of the files not in `locked`, as `file:line rule`. */
function findings(files: Record<string, string>, locked: Record<string, number> = {}): string[] {
    const { migrations, problems } = read(files);
    expect(problems).toEqual([]);
    return migrationSafetyFindings(migrations!, locked).map((f) => `${f.file}:${f.line} ${f.rule}`);
}

/** V1 locked as applied. */
function lockedV1(): Record<string, number> {
    return { "V1__books.sql": read({ "V1__books.sql": V1 }).migrations!.files[0].checksum };
}

describe("the contract folder", () => {
    it("is read as the contract phase: its versioned migrations in Flyway's order, apart from the expand phase's", () => {
        const { migrations, problems } = read({
            "V1__books.sql": V1,
            "V2__add_isbn13.sql": "ALTER TABLE books ADD COLUMN isbn13 text;\n",
            "contract/V10__drop_title.sql": "ALTER TABLE books DROP COLUMN title;\n",
            "contract/V2__drop_isbn.sql": "ALTER TABLE books DROP COLUMN isbn;\n",
        });
        expect(problems).toEqual([]);
        expect(migrations!.files.map((f) => f.fileName)).toEqual(["V1__books.sql", "V2__add_isbn13.sql"]);
        expect(migrations!.contract!.files.map((f) => f.fileName)).toEqual(["V2__drop_isbn.sql", "V10__drop_title.sql"]);
        expect(migrations!.contract!.folder).toMatch(/svc\/contract$/);
    });

    it("refuses a file named contract by its name, as any file that is no migration", () => {
        expect(read({ "V1__books.sql": V1, contract: "SELECT 1;\n" }).problems).toEqual([
            expect.stringMatching(/svc\/contract: is not a \.sql file/),
        ]);
    });

    it("is no contract phase when it holds nothing", () => {
        const { migrations } = read({ "V1__books.sql": V1, "contract/.gitkeep": "" });
        expect(migrations!.contract).toBeUndefined();
    });

    it("refuses repeatables, callbacks, folders and a migration in both phases, each by its file, saying what is right", () => {
        const { migrations, problems } = read({
            "V1__books.sql": V1,
            "V2__same.sql": "SELECT 1;\n",
            "contract/R__views.sql": "SELECT 1;\n",
            "contract/afterMigrate.sql": "SELECT 1;\n",
            "contract/V2__same.sql": "SELECT 1;\n",
            "contract/deeper/V3__x.sql": "SELECT 1;\n",
        });
        expect(migrations).toBeUndefined();
        expect(problems).toEqual([
            expect.stringMatching(/svc\/contract\/R__views\.sql: the contract phase holds versioned migrations only .*repeatables/),
            expect.stringMatching(/svc\/contract\/afterMigrate\.sql: the contract phase holds versioned migrations only/),
            expect.stringMatching(/svc\/contract\/deeper: is not a regular file; keep a service's migrations flat in .*svc\/contract\/$/),
            expect.stringMatching(/svc\/V2__same\.sql and .*svc\/contract\/V2__same\.sql: the same migration is in both phases/),
        ]);
    });
});

describe("the lock over both phases", () => {
    const files = {
        "V1__books.sql": V1,
        "V2__add_isbn13.sql": "ALTER TABLE books ADD COLUMN isbn13 text;\n",
        "contract/V1__drop_isbn.sql": "ALTER TABLE books DROP COLUMN isbn;\n",
    };

    it("records contract migrations as contract/<file>, beside the expand phase's", () => {
        const set = read(files).migrations!;
        const { lock, added } = withNewFiles({}, "svc", set);
        expect(added).toEqual(["V1__books.sql", "V2__add_isbn13.sql", "contract/V1__drop_isbn.sql"]);
        expect(Object.keys(lock.svc).sort()).toEqual(["V1__books.sql", "V2__add_isbn13.sql", "contract/V1__drop_isbn.sql"]);
        expect(lockProblems(lock, "svc", set, { requireLocked: true })).toEqual([]);
    });

    it("refuses a changed, an out-of-order or a missing contract migration, by its path under contract/", () => {
        const lock: MigrationLock = withNewFiles(
            {},
            "svc",
            read({ ...files, "contract/V3__drop_title.sql": "ALTER TABLE books DROP COLUMN title;\n" }).migrations!,
        ).lock;
        const changed = read({
            "V1__books.sql": V1,
            "V2__add_isbn13.sql": "ALTER TABLE books ADD COLUMN isbn13 text;\n",
            "contract/V1__drop_isbn.sql": "ALTER TABLE books DROP COLUMN isbn; -- changed\n",
            "contract/V2__late.sql": "SELECT 1;\n",
            "contract/V3__drop_title.sql": "ALTER TABLE books DROP COLUMN title;\n",
        }).migrations!;
        expect(lockProblems(lock, "svc", changed, { requireLocked: false })).toEqual([
            expect.stringMatching(/svc\/contract\/V1__drop_isbn\.sql: changed after it was locked/),
            expect.stringMatching(/svc\/contract\/V2__late\.sql: version 2 is not above V3__drop_title\.sql/),
        ]);
        const missing = read({ ...files }).migrations!;
        expect(lockProblems(lock, "svc", missing, { requireLocked: false })).toEqual([
            expect.stringMatching(/svc\/contract\/V3__drop_title\.sql: is locked but missing/),
        ]);
    });

    it("refuses a locked migration moved to the other phase, saying it would run again", () => {
        const lock = withNewFiles({}, "svc", read(files).migrations!).lock;
        const moved = read({
            "V1__books.sql": V1,
            "contract/V2__add_isbn13.sql": "ALTER TABLE books ADD COLUMN isbn13 text;\n",
            "contract/V1__drop_isbn.sql": "ALTER TABLE books DROP COLUMN isbn;\n",
        }).migrations!;
        const back = read({
            "V1__books.sql": V1,
            "V2__add_isbn13.sql": "ALTER TABLE books ADD COLUMN isbn13 text;\n",
            "V3__drop_isbn.sql": "SELECT 1;\n",
            "V1__drop_isbn.sql": "ALTER TABLE books DROP COLUMN isbn;\n",
        });
        expect(lockProblems(lock, "svc", moved, { requireLocked: false })).toEqual([
            expect.stringMatching(
                new RegExp(
                    "svc/contract/V2__add_isbn13\\.sql: was locked in .*svc/ and moved to the contract phase; each phase has its own " +
                        "Flyway history, so databases that applied it would run it again there",
                ),
            ),
        ]);
        // Two files of one version in the expand folder are refused by the folder already; the move back alone:
        expect(back.problems).toEqual([expect.stringMatching(/V1__books\.sql, V1__drop_isbn\.sql share version 1/)]);
        const movedBack = read({
            "V1__books.sql": V1,
            "V2__add_isbn13.sql": "ALTER TABLE books ADD COLUMN isbn13 text;\n",
            "V3__drop_isbn.sql": "ALTER TABLE books DROP COLUMN isbn;\n",
        }).migrations!;
        const renamedLock: MigrationLock = { svc: { ...lock.svc } };
        renamedLock.svc["contract/V3__drop_isbn.sql"] = renamedLock.svc["contract/V1__drop_isbn.sql"];
        delete renamedLock.svc["contract/V1__drop_isbn.sql"];
        expect(lockProblems(renamedLock, "svc", movedBack, { requireLocked: false })).toEqual([
            expect.stringMatching(/svc\/V3__drop_isbn\.sql: was locked in .*svc\/contract\/ and moved to the expand phase/),
        ]);
    });
});

describe("the safety check, phase by phase", () => {
    it.each([
        ["ban-drop-column", "ALTER TABLE books DROP COLUMN title;"],
        ["ban-drop-table", "DROP TABLE books;"],
        ["adding-not-nullable-field", "ALTER TABLE books ALTER COLUMN title SET NOT NULL;"],
        ["drop-constraint", "ALTER TABLE books DROP CONSTRAINT books_pkey;"],
    ])("refuses %s in the expand phase, pointing to contract/, and accepts it in the contract phase", (rule, statement) => {
        const locked = lockedV1();
        const expand = migrationSafetyFindings(read({ "V1__books.sql": V1, "V2__change.sql": `${statement}\n` }).migrations!, locked);
        expect(expand.map((f) => `${f.file} ${f.rule}`)).toEqual([`V2__change.sql ${rule}`]);
        expect(expand[0].message).toMatch(
            /in the service's contract\/ folder(,| instead:) (whose migrations run|that phase runs) .*every replica runs/,
        );
        expect(findings({ "V1__books.sql": V1, "contract/V1__change.sql": `${statement}\n` }, locked)).toEqual([]);
    });

    it.each([
        ["require-concurrent-index-creation", "CREATE INDEX books_title ON books (title);"],
        ["changing-column-type", "ALTER TABLE books ALTER COLUMN isbn TYPE varchar(13);"],
        ["lock-table", "LOCK TABLE books IN ACCESS EXCLUSIVE MODE;"],
        ["lock-timeout-off", "SET lock_timeout = 0;"],
    ])("refuses %s, which blocks live traffic, in both phases", (rule, statement) => {
        const locked = lockedV1();
        expect(findings({ "V1__books.sql": V1, "V2__change.sql": `${statement}\n` }, locked)).toContain(`V2__change.sql:1 ${rule}`);
        const contract = migrationSafetyFindings(
            read({ "V1__books.sql": V1, "contract/V1__change.sql": `${statement}\n` }).migrations!,
            locked,
        );
        expect(contract.map((f) => `${f.file}:${f.line} ${f.rule}`)).toContain(`contract/V1__change.sql:1 ${rule}`);
        expect(contract.find((f) => f.rule === rule)!.message).not.toMatch(/contract\/ folder instead/);
    });

    it.each([
        ["renaming-column", "ALTER TABLE books RENAME COLUMN title TO name;"],
        ["adding-required-field", "ALTER TABLE books ADD COLUMN shelf text NOT NULL;"],
        ["ban-drop-database", "DROP DATABASE other;"],
    ])("refuses %s in the contract phase too: it would break the release serving then", (rule, statement) => {
        const contract = migrationSafetyFindings(
            read({ "V1__books.sql": V1, "contract/V1__change.sql": `${statement}\n` }).migrations!,
            lockedV1(),
        );
        expect(contract.map((f) => `${f.file}:${f.line} ${f.rule}`)).toContain(`contract/V1__change.sql:1 ${rule}`);
    });

    it("says an exception is not needed in the contract phase for what it accepts", () => {
        const locked = lockedV1();
        const file = "-- lint:allow ban-drop-column title unused since 2.0\nALTER TABLE books DROP COLUMN title;\n";
        const found = migrationSafetyFindings(read({ "V1__books.sql": V1, "contract/V1__drop.sql": file }).migrations!, locked);
        expect(found.map((f) => `${f.file}:${f.line} ${f.rule}`)).toEqual(["contract/V1__drop.sql:1 lint:allow"]);
        expect(found[0].message).toMatch(/the contract phase accepts without an exception.*Remove the comment/);
    });

    it("checks only contract files the lock does not hold, by their contract/ key", () => {
        const set = read({ "V1__books.sql": V1, "contract/V1__idx.sql": "CREATE INDEX books_title ON books (title);\n" }).migrations!;
        const locked = { ...lockedV1(), "contract/V1__idx.sql": set.contract!.files[0].checksum };
        expect(migrationSafetyFindings(set, locked)).toEqual([]);
        expect(migrationSafetyFindings(set, lockedV1()).map((f) => f.file)).toEqual(["contract/V1__idx.sql"]);
    });
});
