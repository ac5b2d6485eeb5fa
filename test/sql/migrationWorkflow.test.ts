/**
 * The documented way to add a migration, followed as a user would (docs/migrations.md): write the file, run
 * `npm run lock-migrations`, run `npm run verify-migrations`, open a pull request. An unsafe migration, the same in a
 * callback, and a version below an applied one stop at lock-migrations, and again at verify-migrations against the
 * base branch even when the lock was edited by hand; a safe one passes both.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { readLock, withNewFiles, writeLock } from "../../components/flyway/lock";
import { readMigrationFolder } from "../../components/flyway/migrationFiles";
import { PROJECT_DIR } from "../../tools/lib/repository";
import { projectWith } from "../support/fixtures";

const TSX = path.join(PROJECT_DIR, "node_modules", ".bin", "tsx");

/** A checkout of its own: this repository's migrations, committed on main. */
function checkout(): { dir: string; base: string } {
    const dir = projectWith({});
    fs.cpSync(path.join(PROJECT_DIR, "migrations"), path.join(dir, "migrations"), { recursive: true });
    const git = (...args: string[]) => spawnSync("git", args, { cwd: dir, encoding: "utf8" });
    git("init", "-q", "-b", "main");
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "add", ".");
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "base");
    return { dir, base: git("rev-parse", "HEAD").stdout.trim() };
}

function command(script: string, args: string[], cwd: string) {
    const run = spawnSync(TSX, [path.join(PROJECT_DIR, "tools", script), ...args], { cwd, encoding: "utf8", timeout: 240_000 });
    return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

/** Locks every new file by hand, as someone walking around lock-migrations would. */
function lockByHand(dir: string): void {
    const root = path.join(dir, "migrations");
    let lock = readLock(root);
    for (const service of ["catalog", "identity"]) {
        lock = withNewFiles(lock, service, readMigrationFolder(service, path.join(root, service)).migrations!).lock;
    }
    writeLock(root, lock);
}

describe("adding a migration the documented way", () => {
    it("stops an unsafe migration, an unsafe callback and an out-of-order version at lock-migrations and verify-migrations", () => {
        const { dir, base } = checkout();
        const catalog = path.join(dir, "migrations", "catalog");
        fs.writeFileSync(path.join(catalog, "V4__drop_title.sql"), "ALTER TABLE books DROP COLUMN title;\n");
        fs.writeFileSync(path.join(catalog, "beforeMigrate.sql"), "\nALTER TABLE copies DROP COLUMN barcode;\n");
        fs.writeFileSync(path.join(dir, "migrations", "identity", "V2_5__add_locale.sql"), "ALTER TABLE users ADD COLUMN locale text;\n");
        const lockBefore = fs.readFileSync(path.join(dir, "migrations", "flyway.lock.json"), "utf8");

        const lock = command("lock-migrations.ts", [], dir);
        expect(lock.code).toBe(1);
        expect(lock.output).toContain("flyway.lock.json left unchanged");
        expect(lock.output).toMatch(
            /catalog\/V4__drop_title\.sql:1: ban-drop-column: .*Safe way: .*-- lint:allow ban-drop-column <reason>/,
        );
        expect(lock.output).toMatch(/catalog\/beforeMigrate\.sql:2: ban-drop-column: /);
        expect(lock.output).toMatch(
            /identity\/V2_5__add_locale\.sql: version 2\.5 is not above V3__track_sign_ins\.sql.*Rename it to V4__add_locale\.sql/,
        );
        expect(fs.readFileSync(path.join(dir, "migrations", "flyway.lock.json"), "utf8")).toBe(lockBefore);

        // The lock edited by hand changes nothing: the pull request's check compares with the base branch's lock.
        lockByHand(dir);
        const verify = command("verify-migrations.ts", ["--base", base, path.join(dir, "migrations")], dir);
        expect(verify.code).toBe(1);
        expect(verify.output).toMatch(/catalog: \S*V4__drop_title\.sql:1: ban-drop-column: /);
        expect(verify.output).toMatch(/catalog: \S*beforeMigrate\.sql:2: ban-drop-column: /);
        expect(verify.output).toMatch(/V2_5__add_locale\.sql: version 2\.5 is not above V3__track_sign_ins\.sql/);
    }, 300_000);

    it("locks and verifies a safe one", () => {
        const { dir, base } = checkout();
        fs.writeFileSync(path.join(dir, "migrations", "catalog", "V4__add_subtitle.sql"), "ALTER TABLE books ADD COLUMN subtitle text;\n");
        const lock = command("lock-migrations.ts", [], dir);
        expect(lock).toEqual({ code: 0, output: expect.stringContaining("catalog/V4__add_subtitle.sql") });
        expect(readLock(path.join(dir, "migrations")).catalog["V4__add_subtitle.sql"]).toEqual(expect.any(Number));
        const verify = command("verify-migrations.ts", ["--base", base, path.join(dir, "migrations")], dir);
        expect(verify.output).toContain(`New files, checked for safety and order: those not in flyway.lock.json at ${base}`);
        expect(verify.code).toBe(0);
    }, 300_000);
});
