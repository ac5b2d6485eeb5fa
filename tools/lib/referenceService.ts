/**
 * The reference Spring Boot service (examples/catalog-service), built with Maven and run with `java -jar` as its
 * Dockerfile runs it (with a small heap, as a container limit would give), with exactly the environment a test hands
 * it: nothing of this machine's own environment leaks in but PATH and JAVA_HOME.
 */
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as path from "path";
import { MissingToolError } from "./flywayCli";
import { PROJECT_DIR } from "./repository";

export const REFERENCE_SERVICE_DIR = path.join(PROJECT_DIR, "examples", "catalog-service");
const JAR = path.join(REFERENCE_SERVICE_DIR, "target", "catalog-service.jar");
const BUILD_TIMEOUT_MS = 600_000;
/** How long a stopped instance gets to shut down gracefully before it is killed (Spring Boot's own default is 30 s). */
const STOP_GRACE_MS = 10_000;

/** Builds the service's jar (Maven resolves Spring Boot from Maven Central once, then from its cache); its path. */
export function buildReferenceService(): string {
    if (spawnSync("mvn", ["-v"]).error) {
        throw new MissingToolError(
            "mvn was not found. The reference service (examples/catalog-service/pom.xml) is built with Maven: install Maven " +
                "3.6 or later (e.g. apt-get install maven) and put mvn on the PATH.",
        );
    }
    const build = spawnSync("mvn", ["-q", "-B", "-f", path.join(REFERENCE_SERVICE_DIR, "pom.xml"), "package", "-DskipTests"], {
        encoding: "utf8",
        // A first build downloads Spring Boot; a stalled mirror must fail the run, not hold CI to its limit.
        timeout: BUILD_TIMEOUT_MS,
    });
    if (build.status !== 0) {
        const why = build.error ? `${build.error.message} (limit ${BUILD_TIMEOUT_MS / 1000} s)` : `mvn exit ${build.status}`;
        throw new Error(`building examples/catalog-service failed (${why}):\n${build.stdout ?? ""}${build.stderr ?? ""}`);
    }
    return JAR;
}

/** One running instance: its process, everything it printed so far, and a promise of its exit code. */
export interface ServiceInstance {
    process: ChildProcess;
    log(): string;
    exited: Promise<number | null>;
    stop(): Promise<void>;
}

/** Starts `java -jar <jar>` with `environment` (plus PATH and JAVA_HOME) and nothing else. */
export function startInstance(jar: string, environment: Record<string, string>): ServiceInstance {
    const inherited = Object.fromEntries(
        ["PATH", "JAVA_HOME"].flatMap((key) => (process.env[key] === undefined ? [] : [[key, process.env[key]!]])),
    );
    const child = spawn("java", ["-Xmx256m", "-jar", jar], {
        env: { ...inherited, ...environment },
        stdio: ["ignore", "pipe", "pipe"],
    });
    let log = "";
    child.stdout!.on("data", (chunk: Buffer) => (log += chunk.toString("utf8")));
    child.stderr!.on("data", (chunk: Buffer) => (log += chunk.toString("utf8")));
    // A java that cannot be started emits 'error' and never 'exit'.
    const exited = new Promise<number | null>((resolve) => {
        child.once("exit", (code) => resolve(code));
        child.once("error", (error) => {
            log += `could not start java: ${error.message}\n`;
            resolve(null);
        });
    });
    return {
        process: child,
        log: () => log,
        exited,
        stop: async () => {
            if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
            const kill = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
            await exited;
            clearTimeout(kill);
        },
    };
}
