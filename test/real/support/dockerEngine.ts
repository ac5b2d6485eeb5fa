/**
 * The Docker engine of the real-engine test, and what Docker reports about the stack's objects.
 *
 * The test uses the engine that answers `docker info`; when none does and `dockerd` is installed (and the test runs as
 * root, as CI does), it starts one and stops exactly that one at the end. It never skips: without an engine it fails
 * at once, naming what to install.
 */
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** Runs the docker CLI; throws with its output when it fails. */
export function docker(args: string[], input?: string): string {
    const run = spawnSync("docker", args, { encoding: "utf8", input, maxBuffer: 64 * 1024 * 1024 });
    if (run.error) throw new Error(`docker ${args.join(" ")}: ${run.error.message}`);
    if (run.status !== 0) throw new Error(`docker ${args.join(" ")} exited with ${run.status}:\n${run.stderr}${run.stdout}`);
    return run.stdout;
}

function answers(): boolean {
    return spawnSync("docker", ["info", "--format", "{{.ServerVersion}}"], { encoding: "utf8" }).status === 0;
}

export interface DockerEngine {
    /** The engine's version, as `docker info` reports it. */
    version: string;
    /** Stops the engine if this test started it; leaves an engine it found alone. */
    stop(): Promise<void>;
}

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

export async function dockerEngine(): Promise<DockerEngine> {
    if (spawnSync("docker", ["--version"]).error) {
        throw new Error("the real-engine test needs Docker: the `docker` CLI is not on the PATH (Debian: apt-get install docker.io)");
    }
    if (answers()) return { version: serverVersion(), stop: async () => undefined };
    if (spawnSync("dockerd", ["--version"]).error) {
        throw new Error(
            "no Docker engine answers `docker info`, and `dockerd` is not installed to start one (Debian: apt-get install docker.io); " +
                "start your Docker engine, or install one",
        );
    }
    if (process.getuid?.() !== 0) {
        throw new Error("no Docker engine answers `docker info`; start one (e.g. `sudo dockerd &`): only root can start dockerd here");
    }
    const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "library-dockerd-")), "dockerd.log");
    const daemon = spawn("dockerd", [], { stdio: ["ignore", fs.openSync(log, "a"), fs.openSync(log, "a")], detached: false });
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!answers()) {
        if (daemon.exitCode !== null || Date.now() > deadline) {
            daemon.kill("SIGTERM");
            throw new Error(
                `dockerd did not start within ${START_TIMEOUT_MS / 1000} s; its log:\n${fs.readFileSync(log, "utf8").slice(-3000)}`,
            );
        }
        await sleep(250);
    }
    return { version: serverVersion(), stop: () => stopDaemon(daemon) };
}

function serverVersion(): string {
    return docker(["info", "--format", "{{.ServerVersion}}"]).trim();
}

async function stopDaemon(daemon: ChildProcess): Promise<void> {
    if (daemon.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => daemon.once("exit", () => resolve()));
    daemon.kill("SIGTERM");
    const timer = setTimeout(() => daemon.kill("SIGKILL"), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
}

export function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

/** What `docker inspect` says of a container (the fields the test reads). */
export interface ContainerInfo {
    Id: string;
    Name: string;
    State: { Status: string; Running: boolean; ExitCode: number; Health?: { Status: string } };
    Config: { Env: string[]; Labels: Record<string, string>; Image: string };
    Image: string;
    NetworkSettings: { Ports: Record<string, { HostIp: string; HostPort: string }[] | null> };
    HostConfig: { PortBindings: Record<string, { HostIp: string; HostPort: string }[]> | null };
}

/** Every container (running or not) whose name starts with `prefix`, by name. */
export function containers(prefix: string): Map<string, ContainerInfo> {
    const ids = docker(["ps", "-aq", "--filter", `name=^/${prefix}`])
        .split("\n")
        .filter(Boolean);
    if (ids.length === 0) return new Map();
    const infos = JSON.parse(docker(["inspect", ...ids])) as ContainerInfo[];
    return new Map(infos.map((info) => [info.Name.replace(/^\//, ""), info]));
}

/** A container's environment variable. */
export function envOf(info: ContainerInfo, name: string): string | undefined {
    const entry = info.Config.Env.find((e) => e.startsWith(`${name}=`));
    return entry?.slice(name.length + 1);
}

/** One container event, as `docker events` reports it. */
export interface ContainerEvent {
    action: string;
    name: string;
    /** Nanoseconds since the epoch (the daemon's clock). */
    timeNano: bigint;
    attributes: Record<string, string>;
}

/** The container events that tell a chain's order (health_status carries the status after a colon). */
const ORDER_EVENTS = ["create", "start", "die", "destroy", "health_status"];

export interface EventWatch {
    /** Stops watching; the events seen, oldest first, for containers whose names start with the prefix. */
    stop(): Promise<ContainerEvent[]>;
}

/**
 * Watches container events from now on. Live, because the engine keeps only its last 256 events for `--since`
 * (moby daemon/events/events.go, eventsLimit), and the healthchecks' exec events push a deploy's early ones out.
 */
export function watchContainerEvents(prefix: string): EventWatch {
    const since = (Date.now() / 1000).toFixed(3);
    const filters = ["type=container", ...ORDER_EVENTS.map((e) => `event=${e}`)].flatMap((f) => ["--filter", f]);
    const watcher = spawn("docker", ["events", "--since", since, ...filters, "--format", "{{json .}}"], {
        stdio: ["ignore", "pipe", "pipe"],
    });
    let text = "";
    watcher.stdout.on("data", (chunk: Buffer) => (text += chunk.toString()));
    return {
        async stop() {
            // Events reach a subscriber within milliseconds; let the last ones arrive.
            await sleep(500);
            const exited = new Promise<void>((resolve) => watcher.once("exit", () => resolve()));
            watcher.kill("SIGTERM");
            await exited;
            return text
                .split("\n")
                .filter(Boolean)
                .map((line): ContainerEvent => {
                    const event = JSON.parse(line) as { Action: string; Actor: { Attributes: Record<string, string> } };
                    // timeNano is above 2^53: read its digits from the text, not from the parsed number.
                    const nano = /"timeNano":(\d+)/.exec(line)?.[1] ?? "0";
                    return {
                        action: event.Action,
                        name: event.Actor.Attributes.name,
                        timeNano: BigInt(nano),
                        attributes: event.Actor.Attributes,
                    };
                })
                .filter((e) => e.name?.startsWith(prefix));
        },
    };
}

/** Named volumes whose names start with `prefix`. */
export function volumes(prefix: string): string[] {
    return docker(["volume", "ls", "-q", "--filter", `name=^${prefix}`])
        .split("\n")
        .filter((v) => v.startsWith(prefix));
}
