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
 */
import { fork } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { validateStack } from "../components/config/validateStack";
import { loadSqlParser } from "../components/flyway/sqlStatements";
import { deployLibraryStack } from "../components/stack/libraryStack";
import { withoutPromiseStackTraces } from "../components/stack/shortStackTraces";
import { FakeEngine, waitForRPCs } from "./lib/engineModel/engine";
import { CONTAINER } from "./lib/engineModel/providers";
import { NAMESPACE, PROJECT_DIR } from "./lib/repository";

// Roughly what these take on a laptop: a postgres container on a fresh volume runs initdb before its healthcheck
// passes; Flyway starts a JVM before it migrates; an app container is "created" once started (Spring boots after).
const CREATE_MS = { db: 3000, flyway: 2000, app: 500 };
const CHAIN_MS = CREATE_MS.db + CREATE_MS.flyway + CREATE_MS.app;
const REPLICAS = 3;

interface Options {
    count: number;
    /** Simulate provider time (section a). */
    simulate: boolean;
    /** Keep the SDK's per-promise stack traces (section c's baseline). */
    fullTraces: boolean;
}

interface Measurement {
    elapsedMs: number;
    evaluatedMs: number;
    lastAppMs: number;
    resources: number;
    peakRssMb: number;
}

/** A project folder with `count` services, each with the catalog's migrations, and its raw config. */
function syntheticStack(count: number): { dir: string; raw: Record<string, unknown> } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "library-bench-"));
    const source = path.join(PROJECT_DIR, "migrations", "catalog");
    const services: Record<string, unknown> = {};
    for (let i = 1; i <= count; i++) {
        const name = `svc-${i}`;
        fs.cpSync(source, path.join(dir, "migrations", name), { recursive: true });
        services[name] = { image: "ghcr.io/acme/app:1.0.0", replicas: REPLICAS };
    }
    return { dir, raw: { services } };
}

function createTime(type: string, name: string): number {
    if (type !== CONTAINER) return 0;
    if (name.endsWith("-db")) return CREATE_MS.db;
    if (name.endsWith("-flyway")) return CREATE_MS.flyway;
    return CREATE_MS.app;
}

/** Child mode: runs the program once as index.ts would and reports when every registration has settled. */
async function measureHere(options: Options): Promise<Measurement> {
    await loadSqlParser();
    const { dir, raw } = syntheticStack(options.count);
    let lastAppAt = 0;
    const started = performance.now();
    const { result: run, finish } = await new FakeEngine().install(NAMESPACE, {
        stack: "bench",
        createTime: options.simulate ? createTime : undefined,
        onEvent: (event) => {
            if (/^created .*-app-\d+$/.test(event)) lastAppAt = performance.now();
        },
    });
    const program = () => deployLibraryStack(validateStack(raw, dir, NAMESPACE), "bench");
    if (options.fullTraces) program();
    else withoutPromiseStackTraces(program);
    const evaluatedMs = performance.now() - started;
    await waitForRPCs();
    finish(false);
    const elapsedMs = performance.now() - started;
    fs.rmSync(dir, { recursive: true, force: true });
    return {
        elapsedMs,
        evaluatedMs,
        lastAppMs: lastAppAt - started,
        resources: run.registrations.length,
        peakRssMb: process.resourceUsage().maxRSS / 1024,
    };
}

type Runner = "tsx" | "ts-node";

/** Runs one measurement in a fresh process under `runner`. */
function measure(options: Options, runner: Runner = "tsx"): Promise<Measurement> {
    const execArgv = runner === "tsx" ? process.execArgv : ["-r", path.join(__dirname, "lib", "tsNodeRegister.js")];
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
        `(a) Critical path, simulated creates: database ${CREATE_MS.db} ms, Flyway ${CREATE_MS.flyway} ms, app ${CREATE_MS.app} ms ` +
            `(chain ${CHAIN_MS} ms), ${REPLICAS} replicas each`,
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
