/**
 * The committed migration lock matches the repository's migrations, file for file.
 */
import * as fs from "fs";
import * as path from "path";
import { LOCK_FILE, readLock } from "../../components/flyway/lock";
import { readServiceFolder, serviceFolders } from "../../components/flyway/serviceMigrations";
import { PROJECT_DIR } from "../../tools/lib/repository";

describe("the committed lock", () => {
    it("lists exactly the versioned migrations of every service", () => {
        const root = path.join(PROJECT_DIR, "migrations");
        const lock = readLock(root);
        expect(serviceFolders(root)).toEqual(["catalog", "identity", "reader-lending"]);
        for (const service of serviceFolders(root)) {
            const files = readServiceFolder(root, service).migrations!.files.filter((f) => f.kind === "versioned");
            expect(lock[service]).toEqual(Object.fromEntries(files.map((f) => [f.fileName, f.checksum])));
        }
        expect(fs.readFileSync(path.join(root, LOCK_FILE), "utf8")).toContain("Never edit a locked file");
    });
});
