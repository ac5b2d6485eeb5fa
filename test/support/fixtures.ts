/**
 * Throwaway projects for tests: migrations folders made on the fly, removed when the test file ends.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const created: string[] = [];
// Each test file that makes projects removes them when it is done.
afterAll(() => created.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** A throwaway project folder with `migrations/<service>/<file>` as given (`contract/<file>` in its contract phase). */
export function projectWith(migrations: Record<string, Record<string, string>>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "library-project-"));
    created.push(dir);
    for (const [service, files] of Object.entries(migrations)) {
        fs.mkdirSync(path.join(dir, "migrations", service), { recursive: true });
        for (const [name, content] of Object.entries(files)) {
            fs.mkdirSync(path.dirname(path.join(dir, "migrations", service, name)), { recursive: true });
            fs.writeFileSync(path.join(dir, "migrations", service, name), content);
        }
    }
    return dir;
}

export const ONE_MIGRATION = { "V1__create_things.sql": "CREATE TABLE things (id bigint PRIMARY KEY);\n" };

/** A valid service block; spread overrides over it. */
export function serviceBlock(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return { image: "ghcr.io/acme/app:1.0.0", replicas: 2, port: 8080, env: {}, ...overrides };
}

/** A throwaway copy of this repository's migrations (with the lock), to change without touching the real ones. */
export function copyOfFixture(): string {
    const dir = projectWith({});
    fs.cpSync(path.join(__dirname, "..", "..", "migrations"), path.join(dir, "migrations"), { recursive: true });
    return dir;
}
