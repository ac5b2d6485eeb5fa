/**
 * The Pulumi CLI as a user runs it: the project's own `node_modules/.bin/pulumi` (the `pulumi` npm package, which
 * runs the CLI version PULUMI_VERSION names, downloading it on first use), against a local file backend.
 *
 * Where Pulumi's downloads cannot work (this project's CI), PULUMI_TOOLCHAIN_DIR names an offline toolchain (the CLI,
 * the Node.js language host and the provider plugins) whose install.sh installs it and prints the environment to use;
 * the test takes that environment as printed. Without either, it fails at once and says what to do.
 */
import { spawn, spawnSync } from "child_process";
import * as path from "path";

export interface CommandResult {
    command: string;
    code: number;
    /** stdout and stderr, interleaved as they came. */
    output: string;
    seconds: number;
}

/** The environment of every Pulumi command: the toolchain's, plus what the caller adds. */
export interface PulumiToolchain {
    env: Record<string, string>;
    version: string;
}

/** Environment variables a shell script leaves after `eval` of the export lines `script` prints. */
function exportedBy(script: string): Record<string, string> {
    const run = spawnSync(
        "bash",
        ["-c", 'set -e; out="$(bash "$1")"; eval "$(grep -E "^[[:space:]]*export " <<< "$out")"; env -0', "-", script],
        {
            encoding: "utf8",
        },
    );
    if (run.status !== 0) throw new Error(`${script} failed:\n${run.stderr}${run.stdout}`);
    const after = Object.fromEntries(
        run.stdout
            .split("\0")
            .filter(Boolean)
            .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
    );
    return Object.fromEntries(Object.entries(after).filter(([key, value]) => process.env[key] !== value && key !== "_" && key !== "SHLVL"));
}

export function pulumiToolchain(projectDir: string): PulumiToolchain {
    const offline = process.env.PULUMI_TOOLCHAIN_DIR;
    const env: Record<string, string> = { PULUMI_SKIP_UPDATE_CHECK: "true" };
    if (offline) {
        const installer = path.resolve(projectDir, offline, "install.sh");
        Object.assign(env, exportedBy(installer));
    }
    const cli = path.join(projectDir, "node_modules", ".bin", "pulumi");
    const run = spawnSync(cli, ["version"], { env: { ...process.env, ...env }, encoding: "utf8" });
    if (run.status !== 0) {
        throw new Error(
            `the real-engine test needs the Pulumi CLI, and \`${cli} version\` failed:\n${run.stderr}${run.stdout}\n` +
                "With internet, the `pulumi` npm package (npm ci) downloads it on first use. Without, point PULUMI_TOOLCHAIN_DIR at " +
                "an offline toolchain (../shared/pulumi-toolchain on the project's CI machines).",
        );
    }
    return { env, version: run.stdout.trim() };
}

/** Runs a command to its end, keeping its output; never throws for a non-zero exit. */
export function runCommand(file: string, args: string[], options: { cwd: string; env: Record<string, string> }): Promise<CommandResult> {
    const started = Date.now();
    return new Promise((resolve, reject) => {
        const child = spawn(file, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ["ignore", "pipe", "pipe"] });
        let output = "";
        child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
        child.on("error", reject);
        child.on("close", (code, signal) =>
            resolve({
                command: [path.basename(file), ...args].join(" "),
                code: code ?? (signal ? 128 : 1),
                output,
                seconds: (Date.now() - started) / 1000,
            }),
        );
    });
}

/** Throws with the command's output when it failed; returns it otherwise. */
export function succeeded(result: CommandResult): CommandResult {
    if (result.code !== 0) {
        throw new Error(
            `\`${result.command}\` exited with ${result.code} after ${result.seconds.toFixed(1)} s:\n${result.output.slice(-8000)}`,
        );
    }
    return result;
}
