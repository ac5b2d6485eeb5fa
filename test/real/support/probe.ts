/**
 * Probing a service's replicas through their published ports while something changes them: how many answer, and
 * which release each one is.
 */
import * as http from "http";
import { sleep } from "./dockerEngine";

export interface ProbeRound {
    /** Milliseconds since probing started. */
    at: number;
    /** What each port answered (its body), or undefined when it did not answer 200 within the timeout. */
    answers: (string | undefined)[];
}

const TIMEOUT_MS = 1000;
const PAUSE_MS = 100;

/** One GET of `http://127.0.0.1:<port>/`: the body on 200, undefined otherwise. */
export function get(port: number): Promise<string | undefined> {
    return new Promise((resolve) => {
        const request = http.get({ host: "127.0.0.1", port, path: "/", timeout: TIMEOUT_MS, agent: false }, (response) => {
            let body = "";
            response.on("data", (chunk: Buffer) => (body += chunk.toString()));
            response.on("end", () => resolve(response.statusCode === 200 ? body.trim() : undefined));
            response.on("error", () => resolve(undefined));
        });
        request.on("timeout", () => request.destroy());
        request.on("error", () => resolve(undefined));
    });
}

/** Probes every port, round after round, until `work` settles; returns its result and the rounds. */
export async function probeWhile<T>(ports: number[], work: Promise<T>): Promise<{ result: T; rounds: ProbeRound[] }> {
    const rounds: ProbeRound[] = [];
    const started = Date.now();
    let done = false;
    const finished = work.finally(() => (done = true));
    while (!done) {
        const at = Date.now() - started;
        rounds.push({ at, answers: await Promise.all(ports.map(get)) });
        await sleep(PAUSE_MS);
    }
    return { result: await finished, rounds };
}
