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
    /** Each port's HTTP answer, whatever its status, or undefined when nothing answered (a replica being replaced). */
    responses: (HttpAnswer | undefined)[];
}

export interface HttpAnswer {
    status: number;
    body: string;
}

const TIMEOUT_MS = 1000;
const PAUSE_MS = 100;

/** One GET of `http://127.0.0.1:<port>/`: its status and body, or undefined when nothing answered in time. */
export function request(port: number): Promise<HttpAnswer | undefined> {
    return new Promise((resolve) => {
        const outgoing = http.get({ host: "127.0.0.1", port, path: "/", timeout: TIMEOUT_MS, agent: false }, (response) => {
            let body = "";
            response.on("data", (chunk: Buffer) => (body += chunk.toString()));
            response.on("end", () => resolve({ status: response.statusCode ?? 0, body: body.trim() }));
            response.on("error", () => resolve(undefined));
        });
        outgoing.on("timeout", () => outgoing.destroy());
        outgoing.on("error", () => resolve(undefined));
    });
}

/** One GET of `http://127.0.0.1:<port>/`: the body on 200, undefined otherwise. */
export async function get(port: number): Promise<string | undefined> {
    const answer = await request(port);
    return answer?.status === 200 ? answer.body : undefined;
}

/** Probes every port, round after round, until `work` settles; returns its result and the rounds. */
export async function probeWhile<T>(ports: number[], work: Promise<T>): Promise<{ result: T; rounds: ProbeRound[] }> {
    const rounds: ProbeRound[] = [];
    const started = Date.now();
    let done = false;
    const finished = work.finally(() => (done = true));
    while (!done) {
        const at = Date.now() - started;
        const responses = await Promise.all(ports.map(request));
        rounds.push({ at, responses, answers: responses.map((r) => (r?.status === 200 ? r.body : undefined)) });
        await sleep(PAUSE_MS);
    }
    return { result: await finished, rounds };
}
