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

export function freePort(): Promise<number> {
    return freePorts(1);
}

function isFree(port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const probe = net.createServer();
        probe.once("error", () => resolve(false));
        probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
    });
}

/** `count` consecutive TCP ports, all free on this machine at the moment of asking (replicas publish on a range). */
export async function freePorts(count: number): Promise<number> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
        const first = LOWEST + Math.floor(Math.random() * (HIGHEST - LOWEST + 1 - count));
        const range = Array.from({ length: count }, (_, i) => first + i);
        if (range.some((port) => handedOut.has(port))) continue;
        if (!(await Promise.all(range.map(isFree))).every(Boolean)) continue;
        range.forEach((port) => handedOut.add(port));
        return first;
    }
    throw new Error(`no ${count} consecutive free TCP ports found on 127.0.0.1 in ${LOWEST}-${HIGHEST} after ${ATTEMPTS} tries`);
}
