/**
 * Real Flyway, the command-line tool the stacks' Flyway image runs, of the version in tools/flyway/pom.xml: resolved
 * by Maven from Maven Central (kept in Maven's cache), run with `java`. Nothing here downloads anything itself.
 */
import { execFileSync, spawn, spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const PROJECT_DIR = path.resolve(__dirname, "..", "..");
export const FLYWAY_POM = path.join(PROJECT_DIR, "tools", "flyway", "pom.xml");
const MAIN_CLASS = "org.flywaydb.commandline.Main";
const MIN_JAVA = 17;
/** Set by the test run's global setup, so that every test worker uses the classpath resolved once. */
const CLASSPATH_ENV = "LIBRARY_FLYWAY_CLASSPATH";

/** Java or Maven is missing: says what to install, never skips. */
export class MissingToolError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "MissingToolError";
    }
}

export interface FlywayCli {
    /** Flyway's version, from the pom. */
    version: string;
    classpath: string;
}

export interface FlywayResult {
    exitCode: number;
    /** Standard output and error as one log, in the order written, as `docker logs` shows a container's. */
    log: string;
}

let resolved: FlywayCli | undefined;

/** Flyway, ready to run: checks Java, and resolves the classpath with Maven on first use (cached by pom content). */
export function flywayCli(): FlywayCli {
    if (resolved) return resolved;
    const version = flywayVersion();
    checkJava(version);
    resolved = { version, classpath: process.env[CLASSPATH_ENV] ?? cachedClasspath(fs.readFileSync(FLYWAY_POM, "utf8"), version) };
    return resolved;
}

/** The Flyway version the pom pins. */
export function flywayVersion(): string {
    const version = /<flyway\.version>([^<]+)<\/flyway\.version>/.exec(fs.readFileSync(FLYWAY_POM, "utf8"))?.[1];
    if (!version) throw new Error(`${FLYWAY_POM}: no <flyway.version> property`);
    return version;
}

/** For the test run's global setup: resolves once, and hands the classpath to the workers. */
export function shareFlywayClasspath(): FlywayCli {
    const cli = flywayCli();
    process.env[CLASSPATH_ENV] = cli.classpath;
    return cli;
}

/** Throws MissingToolError, saying what to install, unless `java` is Java 17 or later. */
export function checkJava(flywayVersion: string, java = "java"): void {
    const probe = spawnSync(java, ["-version"], { encoding: "utf8" });
    const install =
        `Flyway ${flywayVersion} runs on Java ${MIN_JAVA} or later: install a JDK or JRE (e.g. apt-get install ` +
        `openjdk-${MIN_JAVA}-jre-headless, brew install openjdk@${MIN_JAVA}) and put java on the PATH`;
    if (probe.error || probe.status !== 0) {
        throw new MissingToolError(`java was not found. ${install}.`);
    }
    const major = javaMajor(probe.stderr);
    if (major === undefined || major < MIN_JAVA) {
        throw new MissingToolError(`java is version ${major ?? "unknown"} (${probe.stderr.split("\n")[0]}). ${install}.`);
    }
}

/** `openjdk version "17.0.15"` → 17; the old `"1.8.0_392"` → 8. */
export function javaMajor(versionOutput: string): number | undefined {
    const version = /version "([^"]+)"/.exec(versionOutput)?.[1];
    if (!version) return undefined;
    const [first, second] = version.split(/[._-]/).map(Number);
    return first === 1 ? second : first;
}

/** Throws MissingToolError, saying what to install, unless `mvn` runs. */
export function checkMaven(flywayVersion: string, mvn = "mvn"): void {
    if (spawnSync(mvn, ["-v"]).error) {
        throw new MissingToolError(
            `mvn was not found. Flyway ${flywayVersion} is fetched from Maven Central by Maven (tools/flyway/pom.xml), once: ` +
                `install Maven 3.6 or later (e.g. apt-get install maven, brew install maven) and put mvn on the PATH.`,
        );
    }
}

/** The classpath Maven resolves from the pom, cached under node_modules/.cache by the pom's content. */
function cachedClasspath(pom: string, version: string): string {
    const cacheDir = path.join(PROJECT_DIR, "node_modules", ".cache", "library-flyway");
    const cacheFile = path.join(cacheDir, `classpath-${createHash("sha256").update(pom).digest("hex").slice(0, 16)}.txt`);
    if (fs.existsSync(cacheFile)) {
        const classpath = fs.readFileSync(cacheFile, "utf8").trim();
        // Maven's cache may have been cleared since; then resolve again.
        if (classpath.split(path.delimiter).every((jar) => fs.existsSync(jar))) return classpath;
    }
    checkMaven(version);
    fs.mkdirSync(cacheDir, { recursive: true });
    const partial = `${cacheFile}.${process.pid}`;
    process.stderr.write(`Resolving Flyway ${version} with Maven (tools/flyway/pom.xml); later runs use Maven's cache.\n`);
    execFileSync("mvn", ["-q", "-B", "-f", FLYWAY_POM, "dependency:build-classpath", `-Dmdep.outputFile=${partial}`], {
        stdio: ["ignore", "inherit", "inherit"],
    });
    fs.renameSync(partial, cacheFile);
    return fs.readFileSync(cacheFile, "utf8").trim();
}

/**
 * Runs `flyway <args>` with exactly `env` as its configuration. Nothing of this machine's own Flyway configuration
 * applies: no inherited FLYWAY_* variable, and the working and home folders are empty ones, where Flyway would
 * otherwise look for flyway.conf and flyway.toml.
 */
export async function runFlyway(cli: FlywayCli, args: readonly string[], env: Record<string, string>): Promise<FlywayResult> {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "library-flyway-home-"));
    const logFile = path.join(home, "log");
    const fd = fs.openSync(logFile, "w");
    try {
        const exitCode = await new Promise<number>((resolve, reject) => {
            const child = spawn("java", ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", cli.classpath, MAIN_CLASS, ...args], {
                cwd: home,
                env: { PATH: process.env.PATH, JAVA_HOME: process.env.JAVA_HOME, HOME: home, LANG: "C.UTF-8", ...env },
                stdio: ["ignore", fd, fd],
            });
            child.once("error", reject);
            child.once("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
        });
        return { exitCode, log: fs.readFileSync(logFile, "utf8") };
    } finally {
        fs.closeSync(fd);
        fs.rmSync(home, { recursive: true, force: true });
    }
}
