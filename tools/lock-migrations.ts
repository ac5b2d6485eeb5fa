/**
 * `npm run lock-migrations`: records new migrations and callbacks in the lock, once they pass the migration-safety
 * check. It refuses, and leaves the lock as it was, when any new file has a finding without a written exception
 * (`-- lint:allow <rule> <reason>`), when a new version is not above the highest locked one, and when a locked file
 * changed or vanished. It never rewrites an applied entry.
 *
 * `-- --relock <service>/<file>` takes a changed versioned file's new checksum anyway (after checking it). Only for a
 * migration that has never run on any shared database (say, still on your branch); anywhere it ran, Flyway will
 * refuse to migrate.
 */
import * as path from "path";
import { LOCK_FILE, lockProblems, MigrationLock, readLock, withNewFiles, writeLock } from "../components/flyway/lock";
import { migrationSafetyProblems } from "../components/flyway/migrationSafety";
import { readServiceFolder, serviceFolders } from "../components/flyway/serviceMigrations";
import { loadSqlParser } from "../components/flyway/sqlStatements";

async function main(args: string[]): Promise<number> {
    await loadSqlParser();
    const migrationsRoot = path.resolve("migrations");
    const relock = args.flatMap((arg, i) => (args[i - 1] === "--relock" ? [arg] : []));
    let lock: MigrationLock = readLock(migrationsRoot);
    const problems: string[] = [];
    const added: string[] = [];
    for (const service of serviceFolders(migrationsRoot)) {
        const folder = readServiceFolder(migrationsRoot, service);
        problems.push(...folder.problems);
        if (!folder.migrations) continue;
        // A file to relock counts as new: it is checked again, as it is now.
        const locked = { ...lock[service] };
        for (const name of relock.filter((r) => r.startsWith(`${service}/`)).map((r) => r.slice(service.length + 1))) {
            if (locked[name] !== undefined) {
                delete locked[name];
                console.warn(`relocking ${service}/${name}: make sure it never ran on a shared database`);
            }
        }
        problems.push(...migrationSafetyProblems(service, folder.migrations, locked));
        problems.push(...lockProblems({ ...lock, [service]: locked }, service, folder.migrations, { requireLocked: false }));
        const next = withNewFiles({ ...lock, [service]: locked }, service, folder.migrations);
        lock = next.lock;
        added.push(...next.added.map((f) => `${service}/${f}`));
    }
    if (problems.length > 0) {
        console.error(
            `${LOCK_FILE} left unchanged; ${problems.length} ` +
                `problem${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
        );
        return 1;
    }
    writeLock(migrationsRoot, lock);
    console.log(
        added.length > 0
            ? `checked and locked ${added.length} new file(s):\n${added.map((a) => `  ${a}`).join("\n")}`
            : `${LOCK_FILE} is up to date`,
    );
    return 0;
}

main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
        console.error(error instanceof Error ? error.message : error);
        process.exit(1);
    },
);
