/**
 * How every documented command runs the Pulumi CLI (npm run pulumi, deploy:dev, migrate): the same CLI and the same
 * backend, whichever command a user types.
 *
 * The CLI: PULUMI_CLI when set; else a `pulumi` already on the PATH (a user's own install); else this project's
 * `pulumi` npm package, which downloads the CLI version it pins on first use (npm's node_modules/.bin puts that one
 * first on an npm script's PATH, which is why it is looked past here).
 *
 * The backend: PULUMI_BACKEND_URL when set; Pulumi Cloud when PULUMI_ACCESS_TOKEN is set (a pipeline); else the local
 * backend in `.pulumi-state/` of the project, with an empty passphrase unless one is set.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ensureProgramBuilt } from "./programBuild";
import { PROJECT_DIR } from "./repository";

export interface PulumiCommand {
    /** The CLI to run. */
    file: string;
    /** Where it came from, for messages. */
    source: "PULUMI_CLI" | "PATH" | "npm package";
    env: NodeJS.ProcessEnv;
    /** What the backend is, for messages. */
    backend: string;
}

const npmWrapper = path.join(PROJECT_DIR, "node_modules", ".bin", "pulumi");

function onPath(): string | undefined {
    const ownBin = path.join(PROJECT_DIR, "node_modules", ".bin");
    for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
        if (!dir || path.resolve(dir) === ownBin || dir.includes(`${path.sep}node_modules${path.sep}.bin`)) continue;
        const candidate = path.join(dir, process.platform === "win32" ? "pulumi.exe" : "pulumi");
        if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
    }
    return undefined;
}

export function pulumiCommand(): PulumiCommand {
    const env: NodeJS.ProcessEnv = { ...process.env, PULUMI_SKIP_UPDATE_CHECK: process.env.PULUMI_SKIP_UPDATE_CHECK ?? "true" };
    let backend: string;
    if (process.env.PULUMI_BACKEND_URL) {
        backend = process.env.PULUMI_BACKEND_URL;
    } else if (process.env.PULUMI_ACCESS_TOKEN) {
        backend = "Pulumi Cloud (PULUMI_ACCESS_TOKEN)";
    } else {
        const state = path.join(PROJECT_DIR, ".pulumi-state");
        fs.mkdirSync(state, { recursive: true });
        env.PULUMI_BACKEND_URL = backend = `file://${state}`;
        if (!process.env.PULUMI_CONFIG_PASSPHRASE_FILE) env.PULUMI_CONFIG_PASSPHRASE = process.env.PULUMI_CONFIG_PASSPHRASE ?? "";
    }
    if (process.env.PULUMI_CLI) return { file: process.env.PULUMI_CLI, source: "PULUMI_CLI", env, backend };
    const installed = onPath();
    if (installed) return { file: installed, source: "PATH", env, backend };
    return { file: npmWrapper, source: "npm package", env, backend };
}

/** The CLI version the `pulumi` npm package runs, and whether it still has to download it. */
export function npmPackageCli(): { version: string; cached: boolean } {
    const pinned = (
        JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "node_modules", "pulumi", "package.json"), "utf8")) as {
            version: string;
        }
    ).version;
    const version = process.env.PULUMI_VERSION || pinned;
    const home = process.env.PULUMI_HOME ?? path.join(os.homedir(), ".pulumi");
    return { version, cached: fs.existsSync(path.join(home, "versions", version, "bin", "pulumi")) };
}

/** What to say when the CLI could not start: most often, the npm package could not download it. */
export function noCliHint(command: PulumiCommand): string {
    if (command.source !== "npm package") return `the Pulumi CLI at ${command.file} (from ${command.source}) could not run`;
    const { version } = npmPackageCli();
    return (
        `the Pulumi CLI v${version} is not installed, and the \`pulumi\` npm package could not download it (no internet?). ` +
        `Install the CLI (https://www.pulumi.com/docs/install/) so that \`pulumi\` is on the PATH, or point PULUMI_CLI at one; ` +
        `a CLI already in ~/.pulumi/versions is used with PULUMI_VERSION=<its version>. On machines without internet, an offline ` +
        `toolchain's install.sh (../shared/pulumi-toolchain on this project's CI machines) installs one.`
    );
}

/** Runs the CLI with `args`, output to this terminal; returns its exit code, after saying what went wrong if it failed early. */
export function runPulumi(args: readonly string[], cwd = PROJECT_DIR): number {
    compileProgram(cwd);
    const command = pulumiCommand();
    const download = command.source === "npm package" && !npmPackageCli().cached;
    const run = spawnSync(command.file, args, { cwd, env: command.env, stdio: "inherit" });
    if (run.error) {
        console.error(`pulumi: ${noCliHint(command)} (${run.error.message})`);
        return 1;
    }
    // The npm package exits 1 when its download fails, before the CLI ever ran.
    if (run.status !== 0 && download && !npmPackageCli().cached) {
        console.error(`\npulumi: ${noCliHint(command)}`);
    }
    return run.status ?? 1;
}

/**
 * Brings bin/ up to date before the CLI runs the program (main.js), so that no command pays for transpiling it. A
 * program that does not compile is left to the CLI, whose main.js runs the sources and reports where they are wrong.
 */
function compileProgram(projectDir: string): void {
    try {
        ensureProgramBuilt(projectDir);
    } catch (error) {
        console.error(`pulumi: the program was not compiled, so main.js runs its sources (slower): ${(error as Error).message}`);
    }
}
