/**
 * `npm run bench`: how the program scales, measured under the engine model (no Docker here). Every measurement runs in
 * a fresh process, so that times and memory are its own.
 *
 * (a) Critical path: database and Flyway creations take a fixed simulated time, as `docker run` plus a healthcheck and
 *     a migration would. The time until the last app container exists, divided by one service's chain time (database
 *     + Flyway + app), says whether services really deploy side by side: 1.0 is perfect, N would be fully serial.
 *     The last column leaves out the program's own evaluation (registering every resource, mostly the SDK's
 *     per-resource bookkeeping), which no ordering can hide: what remains is time spent waiting.
 * (b) Cost: evaluation time and peak memory of the whole program (validation, reading migrations, registering every
 *     resource) for 10, 100 and 300 services with 3 replicas.
 * (c) Stack traces: the same program with the SDK's per-promise stack traces (its default) and without them while the
 *     stack registers its resources (what index.ts does, components/stack/shortStackTraces.ts), under tsx and under
 *     ts-node as the Pulumi CLI runs a TypeScript program.
 * (d) Rollouts on Docker: the first deploy and an app image change of one service with 3 replicas, rolling and
 *     parallel, with and without the pre-migration backup: how long until the last replica is healthy, and the fewest
 *     replicas serving meanwhile.
 * (e) On the real engine, side by side with the design memo's Compose file (composePeer.ts): BENCH_COMPOSE_ROUNDS
 *     interleaved rounds (default 1; 0 leaves it out).
 * (f) Flyway's JVM options on Docker, as a first deploy meets them (flywayJvm.ts): BENCH_JVM_ROUNDS interleaved rounds
 *     (default 3; 0 leaves it out).
 */
import { fork } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { validateStack } from "../../components/config/validateStack";
import { loadSqlParser } from "../../components/flyway/sqlStatements";
import { deployLibraryStack } from "../../components/stack/libraryStack";
import { withoutPromiseStackTraces } from "../../components/stack/shortStackTraces";
import { syntheticStack } from "./benchStack";
import { composeSection } from "./composePeer";
import { flywayJvmSection } from "./flywayJvm";
import { FakeEngine, waitForRPCs } from "../support/engineModel/engine";
import { CONTAINER } from "../support/engineModel/providers";
import { NAMESPACE } from "../../tools/lib/repository";

// Roughly what these take on a laptop: a postgres container on a fresh volume runs initdb before its healthcheck
// passes; the backup starts a container and dumps a small database; Flyway starts a JVM before it migrates; an app
// container is created once its healthcheck passes (a small Spring Boot service; a large one takes 10-30 s).
const REPLICAS = 3;
const CREATE_MS = { db: 3000, backup: 1000, flyway: 2000, app: 2000 };
// One service's chain with the default rollout (rolling): database, Flyway, then the replicas one after another.
const CHAIN_MS = CREATE_MS.db + CREATE_MS.flyway + REPLICAS * CREATE_MS.app;

interface Options {
    count: number;
    /** Simulate provider time (section a). */
    simulate: boolean;
    /** Keep the SDK's per-promise stack traces (section c's baseline). */
    fullTraces: boolean;
    /** Section d: how the services roll, whether they back up, and whether to measure an app image change. */
    rollout?: "rolling" | "parallel";
    backup?: boolean;
    imageChange?: boolean;
}

interface Measurement {
    elapsedMs: number;
    evaluatedMs: number;
    lastAppMs: number;
    resources: number;
    peakRssMb: number;
    /** The fewest replicas of a service that were serving at any moment (section d). */
    fewestServing: number;
}

function createTime(type: string, name: string): number {
    if (type !== CONTAINER) return 0;
    if (name.endsWith("-db")) return CREATE_MS.db;
    if (name.endsWith("-flyway")) return CREATE_MS.flyway;
    if (name.endsWith("-backup")) return CREATE_MS.backup;
    return CREATE_MS.app;
}

/** Child mode: runs the program once as index.ts would and reports when every registration has settled. */
async function measureHere(options: Options): Promise<Measurement> {
    await loadSqlParser();
    const { dir, raw } = syntheticStack(options.count, { replicas: REPLICAS, ...options });
    const engine = new FakeEngine();
    if (options.imageChange) {
        // Deployed first, untimed; the measured run then changes every service's app image.
        await runOnce(engine, dir, raw, { ...options, simulate: false });
        for (const service of Object.values(raw.services as Record<string, { image: string }>)) service.image = "ghcr.io/acme/app:1.0.1";
    }
    const measured = await runOnce(engine, dir, raw, options);
    fs.rmSync(dir, { recursive: true, force: true });
    return measured;
}

async function runOnce(engine: FakeEngine, dir: string, raw: Record<string, any>, options: Options): Promise<Measurement> {
    let lastAppAt = 0;
    const serving = new Map<string, number>();
    let fewestServing = options.imageChange ? REPLICAS : 0;
    const started = performance.now();
    const { result: run, finish } = await engine.install(NAMESPACE, {
        stack: "bench",
        createTime: options.simulate ? createTime : undefined,
        onEvent: (event) => {
            const replica = /^(created|deleted) (.*)-app-\d+$/.exec(event);
            if (!replica) return;
            if (replica[1] === "created") lastAppAt = performance.now();
            const now = (serving.get(replica[2]) ?? (options.imageChange ? REPLICAS : 0)) + (replica[1] === "created" ? 1 : -1);
            serving.set(replica[2], now);
            if (replica[1] === "deleted") fewestServing = Math.min(fewestServing, now);
        },
    });
    const program = () => deployLibraryStack(validateStack(raw, dir, NAMESPACE), "bench");
    if (options.fullTraces) program();
    else withoutPromiseStackTraces(program);
    const evaluatedMs = performance.now() - started;
    await waitForRPCs();
    finish(false);
    const elapsedMs = performance.now() - started;
    return {
        elapsedMs,
        evaluatedMs,
        lastAppMs: lastAppAt - started,
        resources: run.registrations.length,
        peakRssMb: process.resourceUsage().maxRSS / 1024,
        fewestServing,
    };
}

type Runner = "tsx" | "ts-node";

/** Runs one measurement in a fresh process under `runner`. */
function measure(options: Options, runner: Runner = "tsx"): Promise<Measurement> {
    const execArgv = runner === "tsx" ? process.execArgv : ["-r", path.join(__dirname, "tsNodeRegister.js")];
    return new Promise((resolve, reject) => {
        const child = fork(__filename, ["--measure", JSON.stringify(options)], { execArgv });
        child.once("message", (m) => resolve(m as Measurement));
        child.once("exit", (code) =>
            code === 0 ? undefined : reject(new Error(`measurement ${JSON.stringify(options)} under ${runner} exited ${code}`)),
        );
    });
}

async function main(): Promise<void> {
    const cpu = os.cpus()[0]?.model ?? "unknown CPU";
    console.log(`Machine: ${os.cpus().length} x ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}\n`);

    console.log(
        `(a) Critical path, simulated creates: database ${CREATE_MS.db} ms, Flyway ${CREATE_MS.flyway} ms, app ${CREATE_MS.app} ms, ` +
            `${REPLICAS} replicas each, rolling (chain ${CHAIN_MS} ms)`,
    );
    console.log("| services | program evaluated at | last app container at | ÷ one chain | after evaluation ÷ one chain |");
    console.log("| ---: | ---: | ---: | ---: | ---: |");
    for (const count of [3, 30]) {
        const { evaluatedMs, lastAppMs } = await measure({ count, simulate: true, fullTraces: false });
        console.log(
            `| ${count} | ${evaluatedMs.toFixed(0)} ms | ${lastAppMs.toFixed(0)} ms | ${(lastAppMs / CHAIN_MS).toFixed(2)} | ` +
                `${((lastAppMs - evaluatedMs) / CHAIN_MS).toFixed(2)} |`,
        );
    }

    console.log(`\n(b) Cost, no simulated delay, ${REPLICAS} replicas each`);
    console.log("| services | resources | evaluation | per service | peak RSS | per service above 10 |");
    console.log("| ---: | ---: | ---: | ---: | ---: | ---: |");
    const costs: (Measurement & { count: number })[] = [];
    for (const count of [10, 100, 300]) {
        costs.push({ count, ...(await measure({ count, simulate: false, fullTraces: false })) });
    }
    const base = costs[0];
    for (const c of costs) {
        const marginal = c === base ? "—" : `${((c.peakRssMb - base.peakRssMb) / (c.count - base.count)).toFixed(2)} MB`;
        console.log(
            `| ${c.count} | ${c.resources} | ${c.elapsedMs.toFixed(0)} ms | ${(c.elapsedMs / c.count).toFixed(1)} ms | ` +
                `${c.peakRssMb.toFixed(0)} MB | ${marginal} |`,
        );
    }
    const last = costs[costs.length - 1];
    console.log(
        `\nGrowth from ${base.count} to ${last.count} services (${last.count / base.count}x): evaluation ` +
            `${(last.elapsedMs / base.elapsedMs).toFixed(1)}x, ` +
            `peak RSS ${(last.peakRssMb / base.peakRssMb).toFixed(1)}x (RSS includes Node's and the SDK's fixed ` +
            `~${base.peakRssMb.toFixed(0)} MB).`,
    );

    const count = 30;
    console.log(`\n(c) Stack traces while registering, ${count} services, ${REPLICAS} replicas each`);
    console.log("| runner | SDK default (per-promise traces) | without them (index.ts) | ratio | per resource, without |");
    console.log("| --- | ---: | ---: | ---: | ---: |");
    for (const runner of ["tsx", "ts-node"] as const) {
        const full = await measure({ count, simulate: false, fullTraces: true }, runner);
        const short = await measure({ count, simulate: false, fullTraces: false }, runner);
        console.log(
            `| ${runner} | ${full.elapsedMs.toFixed(0)} ms | ${short.elapsedMs.toFixed(0)} ms | ` +
                `${(full.elapsedMs / short.elapsedMs).toFixed(1)}x | ${(short.elapsedMs / short.resources).toFixed(1)} ms |`,
        );
    }

    console.log(
        `\n(d) Rollouts on Docker, one service with ${REPLICAS} replicas, simulated creates: database ${CREATE_MS.db} ms, ` +
            `backup ${CREATE_MS.backup} ms, Flyway ${CREATE_MS.flyway} ms, app until healthy ${CREATE_MS.app} ms`,
    );
    console.log("| change | rollout | backup | last replica healthy at | ÷ parallel | fewest replicas serving |");
    console.log("| --- | --- | --- | ---: | ---: | ---: |");
    for (const imageChange of [false, true]) {
        for (const backup of imageChange ? [false] : [false, true]) {
            const parallel = await measure({ count: 1, simulate: true, fullTraces: false, rollout: "parallel", backup, imageChange });
            const rolling = await measure({ count: 1, simulate: true, fullTraces: false, rollout: "rolling", backup, imageChange });
            for (const [rollout, m] of [
                ["parallel", parallel],
                ["rolling", rolling],
            ] as const) {
                console.log(
                    `| ${imageChange ? "app image" : "first deploy"} | ${rollout} | ${backup ? "yes" : "no"} | ` +
                        `${m.lastAppMs.toFixed(0)} ms | ${(m.lastAppMs / parallel.lastAppMs).toFixed(2)} | ` +
                        `${imageChange ? m.fewestServing : "— (none before)"} |`,
                );
            }
        }
    }

    // Needs a Docker engine, docker-compose and the real toolchain (see composePeer.ts); says why when it cannot run.
    const rounds = Number(process.env.BENCH_COMPOSE_ROUNDS ?? "1");
    if (rounds > 0) {
        await composeSection(rounds).catch(notMeasured);
    }
    const jvmRounds = Number(process.env.BENCH_JVM_ROUNDS ?? "3");
    if (jvmRounds > 0) {
        await flywayJvmSection(jvmRounds).catch(notMeasured);
    }
}

/** A real-engine section that could not run says why, in one line, and the bench goes on. */
function notMeasured(error: unknown): void {
    console.log(`not measured: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
}

const measureAt = process.argv.indexOf("--measure");
const reported = (m: Measurement) => new Promise<void>((resolve) => process.send!(m, () => resolve()));
(measureAt >= 0 ? measureHere(JSON.parse(process.argv[measureAt + 1]) as Options).then(reported) : main()).then(
    () => process.exit(0),
    (error) => {
        console.error(error);
        process.exit(1);
    },
);
