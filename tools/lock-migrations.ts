/**
 * `npm run lock-migrations`: records new versioned migrations in the lock. It never rewrites an existing entry: a
 * locked file that changed or vanished is reported and the lock stays as it was.
 *
 * `-- --relock <service>/<file>` takes a changed file's new checksum anyway. Only for a migration that has never run
 * on any shared database (say, still on your branch); anywhere it ran, Flyway will refuse to migrate.
 */
import * as path from "path";
import { LOCK_FILE, lockProblems, readLock, withNewFiles, writeLock } from "../components/flyway/lock";
import { readServiceFolder, serviceFolders } from "../components/flyway/serviceMigrations";

function main(args: string[]): number {
    const migrationsRoot = path.resolve("migrations");
    const relock = args.flatMap((arg, i) => (args[i - 1] === "--relock" ? [arg] : []));
    let lock = readLock(migrationsRoot);
    const problems: string[] = [];
    const added: string[] = [];
    for (const service of serviceFolders(migrationsRoot)) {
        const folder = readServiceFolder(migrationsRoot, service);
        problems.push(...folder.problems);
        if (!folder.migrations) continue;
        for (const file of folder.migrations.files) {
            if (relock.includes(`${service}/${file.fileName}`) && lock[service]?.[file.fileName] !== undefined) {
                lock = { ...lock, [service]: { ...lock[service], [file.fileName]: file.checksum } };
                console.warn(`relocked ${service}/${file.fileName}: make sure it never ran on a shared database`);
            }
        }
        problems.push(...lockProblems(lock, service, folder.migrations, { requireLocked: false }));
        const next = withNewFiles(lock, service, folder.migrations);
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
            ? `locked ${added.length} new migration(s):\n${added.map((a) => `  ${a}`).join("\n")}`
            : `${LOCK_FILE} is up to date`,
    );
    return 0;
}

process.exit(main(process.argv.slice(2)));
