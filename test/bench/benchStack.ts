/**
 * The synthetic stack `npm run bench` deploys: `count` services, each with the catalog's migrations, locked as the
 * catalog's are (applied migrations, which the migration-safety check leaves alone), as a project folder of its own.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { MigrationLock, readLock, writeLock } from "../../components/flyway/lock";
import { PROJECT_DIR } from "../../tools/lib/repository";

export interface BenchServices {
    replicas: number;
    rollout?: "rolling" | "parallel";
    backup?: boolean;
}

/** The project folder (remove it when done) and the stack's raw config. */
export function syntheticStack(count: number, options: BenchServices): { dir: string; raw: { services: Record<string, any> } } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "library-bench-"));
    const source = path.join(PROJECT_DIR, "migrations", "catalog");
    const catalogLock = readLock(path.join(PROJECT_DIR, "migrations")).catalog;
    const services: Record<string, unknown> = {};
    const lock: MigrationLock = {};
    for (let i = 1; i <= count; i++) {
        const name = `svc-${i}`;
        fs.cpSync(source, path.join(dir, "migrations", name), { recursive: true });
        lock[name] = catalogLock;
        services[name] = {
            image: "ghcr.io/acme/app:1.0.0",
            replicas: options.replicas,
            ...(options.rollout ? { rollout: options.rollout } : {}),
            ...(options.backup ? { backup: { keep: 10 } } : {}),
        };
    }
    writeLock(path.join(dir, "migrations"), lock);
    return { dir, raw: { services } };
}
