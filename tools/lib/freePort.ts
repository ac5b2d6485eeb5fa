/**
 * A TCP port free on this machine at the moment of asking, for a throwaway server.
 *
 * Chosen below Linux's ephemeral range (net.ipv4.ip_local_port_range, 32768-60999 by default) rather than by
 * binding port 0, which draws from that range: between our probe and the server's own bind, any outgoing connection
 * (a JDBC pool opening its sockets, say) may be handed the same port as its local end.
 */
import * as net from "net";

const LOWEST = 20_000;
const HIGHEST = 32_767;
const ATTEMPTS = 50;
/** Ports handed out by this process: free now, but the server asked for it may not have bound it yet. */
const handedOut = new Set<number>();

export async function freePort(): Promise<number> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
        const port = LOWEST + Math.floor(Math.random() * (HIGHEST - LOWEST + 1));
        if (handedOut.has(port) || !(await isFree(port))) continue;
        handedOut.add(port);
        return port;
    }
    throw new Error(`no free TCP port found on 127.0.0.1 in ${LOWEST}-${HIGHEST} after ${ATTEMPTS} tries`);
}

function isFree(port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const probe = net.createServer();
        probe.once("error", () => resolve(false));
        probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
    });
}
