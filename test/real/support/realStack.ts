/**
 * A stack of this program deployed for real: a copy of the project (its program, commands and migrations; the
 * repository's node_modules linked in) in a temporary folder, with a stack named for this run on a local file
 * backend. Its configuration is the dev stack's (Pulumi.dev.yaml), with the images the environment chose, host ports
 * that are free on this machine, and `rollout: rolling` for catalog so the rolling chain runs too.
 *
 * Nothing in the repository is touched. `remove()` takes away everything the stack made on the Docker host, also after
 * a failed step: the stack's containers, its retained volumes and its network, and the stack itself.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { freePorts } from "../../../tools/lib/freePort";
import { ensureProgramBuilt } from "../../../tools/lib/programBuild";
import { NAMESPACE, PROJECT_DIR } from "../../../tools/lib/repository";
import { containers, docker, volumes } from "./dockerEngine";
import { StackImages } from "./images";
import { CommandResult, PulumiToolchain, runCommand, succeeded } from "./pulumiCli";

/** What the copy holds: everything `pulumi up` and `npm run migrate` read. */
const PROJECT_FILES = [
    "Pulumi.yaml",
    "package.json",
    "tsconfig.json",
    "tsconfig.pulumi.json",
    "index.ts",
    "main.js",
    "bin",
    "components",
    "tools",
    "migrations",
];

/** The dev stack's configuration, as written in Pulumi.dev.yaml. */
export function devStackConfig(): Record<string, any> {
    const file = parse(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, any> };
    return Object.fromEntries(Object.entries(file.config).map(([key, value]) => [key.replace(`${NAMESPACE}:`, ""), value]));
}

export interface ServiceSettings {
    image: string;
    replicas: number;
    hostPort: number;
    databaseHostPort: number;
    env?: Record<string, string>;
    rollout?: string;
    backup?: { keep: number };
    [key: string]: unknown;
}

export class RealStack {
    /** The stack's configuration under the project's namespace; change it, then call writeConfig(). */
    readonly config: Record<string, any> & { services: Record<string, ServiceSettings> };
    private readonly env: Record<string, string>;

    private constructor(
        readonly name: string,
        readonly dir: string,
        config: Record<string, any>,
        toolchain: PulumiToolchain,
        images: StackImages,
        stateDir: string,
    ) {
        this.config = config as RealStack["config"];
        this.env = {
            ...toolchain.env,
            ...images.env,
            PULUMI_BACKEND_URL: `file://${stateDir}`,
            PULUMI_CONFIG_PASSPHRASE: "real-engine-test",
        };
    }

    /** A new stack in `root`, configured as the dev stack with `images`. */
    static async create(root: string, toolchain: PulumiToolchain, images: StackImages): Promise<RealStack> {
        const name = `rt${crypto.randomBytes(3).toString("hex")}`;
        const dir = path.join(root, "project");
        fs.mkdirSync(dir);
        // As after `npm ci` (its `prepare`): the compiled program next to its sources (main.js runs it).
        ensureProgramBuilt(PROJECT_DIR);
        for (const entry of PROJECT_FILES) fs.cpSync(path.join(PROJECT_DIR, entry), path.join(dir, entry), { recursive: true });
        fs.symlinkSync(path.join(PROJECT_DIR, "node_modules"), path.join(dir, "node_modules"));
        const stateDir = path.join(root, "state");
        fs.mkdirSync(stateDir);

        const config = devStackConfig();
        config.postgresImage = images.postgres;
        config.flywayImage = images.flyway;
        for (const [service, settings] of Object.entries(config.services as Record<string, ServiceSettings>)) {
            settings.image = images.app;
            settings.hostPort = await freePorts(settings.replicas);
            settings.databaseHostPort = await freePorts(1);
            if (service === "catalog") settings.rollout = "rolling";
        }
        const stack = new RealStack(name, dir, config, toolchain, images, stateDir);
        succeeded(await stack.pulumi(["stack", "init", name]));
        stack.writeConfig();
        return stack;
    }

    /** The Docker name prefix of the stack's objects. */
    get prefix(): string {
        return `${this.name}-`;
    }

    /** Writes `config` into Pulumi.<stack>.yaml, keeping what `stack init` wrote there (the secrets' salt). */
    writeConfig(): void {
        const file = path.join(this.dir, `Pulumi.${this.name}.yaml`);
        const existing = fs.existsSync(file) ? ((parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>) ?? {}) : {};
        const config = Object.fromEntries(Object.entries(this.config).map(([key, value]) => [`${NAMESPACE}:${key}`, value]));
        fs.writeFileSync(file, stringify({ ...existing, config }));
    }

    /** Runs the Pulumi CLI in the project copy, as a user would. */
    pulumi(args: string[]): Promise<CommandResult> {
        return runCommand(path.join(this.dir, "node_modules", ".bin", "pulumi"), [...args, "--color", "never"], {
            cwd: this.dir,
            env: this.env,
        });
    }

    up(...extra: string[]): Promise<CommandResult> {
        return this.pulumi(["up", "--yes", "--skip-preview", "--stack", this.name, ...extra]);
    }

    preview(...extra: string[]): Promise<CommandResult> {
        return this.pulumi(["preview", "--stack", this.name, ...extra]);
    }

    /** The operations a preview plans, by resource name, leaving out those that change nothing. */
    async plannedChanges(): Promise<Record<string, string[]>> {
        const result = succeeded(await this.pulumi(["preview", "--stack", this.name, "--json"]));
        const plan = JSON.parse(result.output.slice(result.output.indexOf("{"))) as { steps?: { op: string; urn: string }[] };
        const changes: Record<string, string[]> = {};
        for (const step of plan.steps ?? []) {
            if (step.op === "same") continue;
            const name = step.urn.split("::").pop()!;
            (changes[name] ??= []).push(step.op);
        }
        return changes;
    }

    /** The stack's outputs (secrets stay hidden). */
    async outputs(): Promise<Record<string, any>> {
        const result = succeeded(await this.pulumi(["stack", "output", "--json", "--stack", this.name]));
        return JSON.parse(result.output) as Record<string, any>;
    }

    /** `npm run <script> -- <args>` in the project copy, with the stack's environment. */
    npm(script: string, args: string[]): Promise<CommandResult> {
        return runCommand("npm", ["run", "-s", script, "--", ...args], { cwd: this.dir, env: this.env });
    }

    /** Writes a migration file into a service's folder of the copy (`contract/<file>` into its contract phase). */
    addMigration(service: string, file: string, sql: string): void {
        const where = path.join(this.dir, "migrations", service, file);
        fs.mkdirSync(path.dirname(where), { recursive: true });
        fs.writeFileSync(where, sql);
    }

    removeMigration(service: string, file: string): void {
        fs.rmSync(path.join(this.dir, "migrations", service, file));
    }

    /**
     * Removes the stack and everything it made on the Docker host, whatever state a failed step left: `pulumi destroy`
     * first (as a user would), then whatever is left by name (the retained volumes above all), then the stack.
     */
    async remove(): Promise<string[]> {
        const problems: string[] = [];
        const destroyed = await this.pulumi(["destroy", "--yes", "--skip-preview", "--stack", this.name]);
        if (destroyed.code !== 0) problems.push(`pulumi destroy exited with ${destroyed.code}:\n${destroyed.output.slice(-2000)}`);
        const attempt = (what: string, work: () => void) => {
            try {
                work();
            } catch (error) {
                problems.push(`${what}: ${(error as Error).message}`);
            }
        };
        const left = [...containers(this.prefix).keys()];
        if (left.length > 0) attempt("removing containers", () => docker(["rm", "-f", "-v", ...left]));
        const kept = volumes(this.prefix);
        if (kept.length > 0) attempt("removing volumes", () => docker(["volume", "rm", ...kept]));
        attempt("removing the network", () => {
            if (docker(["network", "ls", "-q", "--filter", `name=^library-${this.name}$`]).trim())
                docker(["network", "rm", `library-${this.name}`]);
        });
        const removed = await this.pulumi(["stack", "rm", "--yes", "--force", "--stack", this.name]);
        if (removed.code !== 0) problems.push(`pulumi stack rm exited with ${removed.code}:\n${removed.output.slice(-2000)}`);
        return problems;
    }
}
