import { logTail, summarizeFlywayLog } from "../components/flywayLog";

describe("summarizeFlywayLog", () => {
    it("summarizes an applied run", () => {
        const log = 'Migrating schema "public" to version "3 - add title search"\nSuccessfully applied 3 migrations to schema "public", now at version v3 (execution time 00:00.041s)\n';
        expect(summarizeFlywayLog(log)).toBe("applied 3 migrations, now at version 3");
        expect(summarizeFlywayLog('Successfully applied 1 migration to schema "public", now at version v1.2 (execution time 00:00.01s)')).toBe("applied 1 migration, now at version 1.2");
    });

    it("summarizes a run with nothing to do", () => {
        const log = 'Current version of schema "public": 3\nSchema "public" is up to date. No migration necessary.\n';
        expect(summarizeFlywayLog(log)).toBe("up to date at version 3");
    });

    it("falls back to the last line", () => {
        expect(summarizeFlywayLog("something\nunexpected\n\n")).toBe("unexpected");
        expect(summarizeFlywayLog("")).toBe("no output from Flyway");
    });
});

describe("logTail", () => {
    it("keeps the last lines, indented, and says how many it left out", () => {
        const log = Array.from({ length: 100 }, (_, i) => `line ${i + 1}`).join("\n");
        const tail = logTail(log, 3).split("\n");
        expect(tail).toEqual(["    ... (97 earlier lines; see the container's log)", "    line 98", "    line 99", "    line 100"]);
    });
});
