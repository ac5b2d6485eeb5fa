/**
 * Flyway's naming, ordering and checksums, as the program reads a migrations folder.
 */
import * as fs from "fs";
import * as path from "path";
import { flywayChecksum } from "../../components/flyway/checksum";
import { compareVersions, normalizeVersion, parseMigrationFileName, readMigrationFolder } from "../../components/flyway/migrationFiles";
import { projectWith } from "../support/fixtures";

const folderOf = (files: Record<string, string>) => path.join(projectWith({ svc: files }), "migrations", "svc");

describe("Flyway file names", () => {
    it.each([
        ["V1__init.sql", { kind: "versioned", version: "1", description: "init" }],
        ["V001__init.sql", { kind: "versioned", version: "1", description: "init" }],
        ["V1_2__add_index.sql", { kind: "versioned", version: "1.2", description: "add_index" }],
        ["V2.0.0__x.sql", { kind: "versioned", version: "2", description: "x" }],
        ["R__views.sql", { kind: "repeatable", description: "views" }],
        ["afterMigrate.sql", { kind: "callback", description: "afterMigrate" }],
        ["beforeMigrate__check.sql", { kind: "callback", description: "beforeMigrate__check" }],
    ])("parses %s", (name, expected) => {
        expect(parseMigrationFileName(name)).toEqual(expected);
    });

    it.each([
        ["V1_init.sql", "separates version and description with one '_'; Flyway needs two"],
        ["v1__init.sql", "starts with a lower-case prefix"],
        ["V1a__init.sql", "has a version with characters other than digits"],
        ["U1__undo.sql", "is an undo migration"],
        ["V1__init.SQL", "is not a .sql file"],
        ["README.md", "is not a .sql file"],
        ["V1__.sql", "has an empty description"],
        ["init.sql", "does not follow Flyway's naming"],
        ["R_views.sql", "separates version and description with one '_'"],
    ])("rejects %s", (name, expected) => {
        const parsed = parseMigrationFileName(name);
        expect("problem" in parsed && parsed.problem).toContain(expected);
    });

    it("compares versions numerically, part by part", () => {
        expect(compareVersions("1.10", "1.9")).toBe(1);
        expect(compareVersions("2", "10")).toBe(-1);
        expect(compareVersions(normalizeVersion("001"), normalizeVersion("1"))).toBe(0);
        expect(compareVersions("1.0.1", "1")).toBe(1);
        expect(normalizeVersion("1_0_0")).toBe("1");
        expect(normalizeVersion("12345678901234567890.1")).toBe("12345678901234567890.1");
    });
});

describe("readMigrationFolder", () => {
    it("returns files in Flyway's order: versions numerically, then repeatables by description, then callbacks", () => {
        const folder = folderOf({
            "V10__ten.sql": "select 10;",
            "V9__nine.sql": "select 9;",
            "V1.10__one_ten.sql": "select 1.10;",
            "R__b_view.sql": "select 'b';",
            "R__a_view.sql": "select 'a';",
            "afterMigrate.sql": "select 0;",
            ".gitkeep": "",
        });
        const result = readMigrationFolder("svc", folder);
        expect(result.problems).toEqual([]);
        expect(result.migrations!.files.map((f) => f.fileName)).toEqual([
            "V1.10__one_ten.sql",
            "V9__nine.sql",
            "V10__ten.sql",
            "R__a_view.sql",
            "R__b_view.sql",
            "afterMigrate.sql",
        ]);
    });

    it("reports every problem in a folder, each naming its file", () => {
        const folder = folderOf({
            "V1__a.sql": "select 1;",
            "V001__b.sql": "select 1;",
            "V2__c.sql": "  \n",
            "R__v.sql": "select 1;",
            "V3_d.sql": "select 3;",
            "afterMigrate__grant_app_role.sql": "select 1;",
        });
        fs.mkdirSync(path.join(folder, "nested"));
        const { problems, migrations } = readMigrationFolder("svc", folder, ["afterMigrate__grant_app_role.sql"]);
        expect(migrations).toBeUndefined();
        expect(problems).toEqual([
            expect.stringMatching(/svc\/V2__c\.sql: is empty; a migration needs at least one SQL statement$/),
            expect.stringMatching(/svc\/V3_d\.sql: separates version and description with one '_'/),
            expect.stringMatching(/svc\/afterMigrate__grant_app_role\.sql: this name is reserved for the callback the stack generates/),
            expect.stringMatching(/svc\/nested: is not a regular file; keep a service's migrations flat/),
            expect.stringMatching(/svc\/: V001__b\.sql, V1__a\.sql share version 1 as Flyway compares them; give each a distinct one$/),
        ]);
    });

    it("requires at least one versioned migration", () => {
        expect(readMigrationFolder("svc", folderOf({ "R__views.sql": "select 1;" })).problems).toEqual([
            expect.stringContaining("has no versioned migration; add V1__<description>.sql"),
        ]);
    });
});

describe("flywayChecksum", () => {
    it("is CRC32 over the lines without their line breaks, as a signed 32-bit integer", () => {
        // Reference values from an independent CRC32 (Python's zlib) over the same bytes.
        expect(flywayChecksum("CREATE TABLE t (id int);\n")).toBe(92137680);
        expect(flywayChecksum("CREATE TABLE t (id int);\r\nselect 1;\r\n")).toBe(1335308428);
    });

    it("ignores line endings and a byte-order mark, and sees any other change", () => {
        const unix = "select 1;\nselect 2;\n";
        expect(flywayChecksum("\uFEFF" + unix.replace(/\n/g, "\r\n"))).toBe(flywayChecksum(unix));
        expect(flywayChecksum("select 1;\nselect 3;\n")).not.toBe(flywayChecksum(unix));
        expect(flywayChecksum(unix)).toBeGreaterThanOrEqual(-(2 ** 31));
        expect(flywayChecksum(unix)).toBeLessThan(2 ** 31);
    });
});
