/**
 * The database container's entrypoint on a real PostgreSQL: a data directory kept from an earlier stack (the volume
 * is retained on delete) gets the new stack's owner password before the server starts.
 *
 * The script runs as written; only the two programs of the postgres image it calls are stood in for: `gosu postgres
 * <command>` (run as the postgres user, as gosu does) and `docker-entrypoint.sh` (which would start the server).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { POSTGRES_ENTRYPOINT_SCRIPT } from "../../components/targets/docker/postgresEntrypoint";
import { withClient } from "../../tools/lib/pgClient";
import { initCluster, PostgresCluster, startServer } from "../../tools/lib/postgresServer";

const OWNER = "catalog_owner";

/** Runs the script as the container would, with `password` in POSTGRES_PASSWORD; returns its output and what it exec'd. */
function runEntrypoint(cluster: PostgresCluster, dataDir: string, password: string, owner = OWNER) {
    const shims = fs.mkdtempSync(path.join(os.tmpdir(), "library-entrypoint-"));
    const handedOver = path.join(shims, "handed-over");
    fs.writeFileSync(path.join(shims, "gosu"), '#!/bin/sh\nuser="$1"; shift\nexec runuser -u "$user" -- "$@"\n', { mode: 0o755 });
    fs.writeFileSync(path.join(shims, "docker-entrypoint.sh"), `#!/bin/sh\necho "$@" > ${handedOver}\n`, { mode: 0o755 });
    fs.writeFileSync(path.join(shims, "entrypoint.sh"), POSTGRES_ENTRYPOINT_SCRIPT, { mode: 0o755 });
    fs.chmodSync(shims, 0o755);
    const run = spawnSync(path.join(shims, "entrypoint.sh"), ["postgres"], {
        env: {
            PATH: `${shims}:${cluster.binDir}:/usr/sbin:/usr/bin:/sbin:/bin`,
            PGDATA: dataDir,
            POSTGRES_USER: owner,
            POSTGRES_PASSWORD: password,
            LC_ALL: "C",
        },
        encoding: "utf8",
    });
    const result = {
        status: run.status,
        output: `${run.stdout}${run.stderr}`,
        handedOver: fs.existsSync(handedOver) ? fs.readFileSync(handedOver, "utf8").trim() : undefined,
    };
    fs.rmSync(shims, { recursive: true, force: true });
    return result;
}

async function canLogIn(cluster: PostgresCluster, password: string): Promise<true | string> {
    const server = await startServer(cluster);
    try {
        return await withClient({ ...server.superuser(), user: OWNER, password }, async () => true as const);
    } catch (error) {
        return (error as Error).message;
    } finally {
        await server.stop();
    }
}

describe("the database container's entrypoint", () => {
    let cluster: PostgresCluster;
    beforeAll(() => {
        cluster = initCluster(OWNER, "password0of0the0destroyed0stack0");
    });
    afterAll(() => fs.rmSync(cluster.dataDir, { recursive: true, force: true }));

    it("sets the new owner password on a data directory that already holds a database, then starts the image's entrypoint", async () => {
        expect(await canLogIn(cluster, "password0of0the0destroyed0stack0")).toBe(true);
        const newPassword = "password0of0the0new0stack0000000";
        const run = runEntrypoint(cluster, cluster.dataDir, newPassword);
        expect(run).toMatchObject({ status: 0, handedOver: "postgres" });
        expect(run.output).toContain("owner password of the existing data directory set from POSTGRES_PASSWORD");
        expect(run.output).not.toContain(newPassword);
        expect(await canLogIn(cluster, newPassword)).toBe(true);
        expect(await canLogIn(cluster, "password0of0the0destroyed0stack0")).toMatch(
            /password authentication failed for user "catalog_owner"/,
        );
    });

    it("leaves an empty data directory to the image, which initialises it with the password", () => {
        const empty = fs.mkdtempSync(path.join(os.tmpdir(), "library-pg-empty-"));
        const run = runEntrypoint(cluster, empty, "any0password");
        expect(run).toMatchObject({ status: 0, handedOver: "postgres" });
        expect(run.output).toBe("");
        fs.rmSync(empty, { recursive: true, force: true });
    });

    it("takes a password with quotes as a literal", async () => {
        const odd = `it's "odd'; DROP ROLE ${OWNER}; --`;
        expect(runEntrypoint(cluster, cluster.dataDir, odd)).toMatchObject({ status: 0, handedOver: "postgres" });
        expect(await canLogIn(cluster, odd)).toBe(true);
    });

    it("stops the container with PostgreSQL's message, and no password in it, when the password cannot be set", () => {
        const run = runEntrypoint({ ...cluster }, cluster.dataDir, "secret0password", "identity_owner");
        expect(run.status).toBe(1);
        expect(run.output).toContain('role "identity_owner" does not exist');
        expect(run.output).toContain('could not set the password of role "identity_owner" on the existing data directory');
        expect(run.output).not.toContain("secret0password");
        expect(run.handedOver).toBeUndefined();
    });
});
