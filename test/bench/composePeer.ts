/**
 * `npm run bench`, section (e): this program side by side with its peer, a Compose file of the design memo (per
 * service: PostgreSQL with a `pg_isready` healthcheck, a one-shot Flyway container that waits for it, app replicas
 * that wait for Flyway's `service_completed_successfully`), on the same Docker engine, with the same images and the
 * same app healthcheck, interleaved, in one run. Four changes, each timed from the command's start until the command
 * returned and every app container is healthy: a first deploy (images already on the host), nothing changed, one new
 * migration, and an app image change (with every replica probed throughout: the fewest serving). It prints the ratios.
 *
 * The real engine, as in the real-engine test: the images and the toolchain come from the environment
 * (LIBRARY_REAL_IMAGES, PULUMI_TOOLCHAIN_DIR: docs/testing.md), and Debian's docker-compose 1.29 (`apt-get install
 * docker-compose`) is the peer. Without a Docker engine or docker-compose the section says so and measures nothing.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { databaseNames, replicaName } from "../../components/service/names";
import { PROJECT_DIR } from "../../tools/lib/repository";
import { sleep } from "../real/support/dockerEngine";
import { StackImages } from "../real/support/images";
import { probeWhile } from "../real/support/probe";
import { CommandResult, pulumiToolchain, runCommand, succeeded } from "../real/support/pulumiCli";
import { RealStack, ServiceSettings } from "../real/support/realStack";
import { median, onRealEngine } from "./realEngine";

const MIGRATION = ["V4__add_book_subtitle.sql", "ALTER TABLE books ADD COLUMN subtitle text;\n"] as const;
const PASSWORD = "bench-only-password";

type Change = "first deploy" | "nothing changed" | "one new migration" | "an app image change";
interface Timing {
    seconds: number;
    /** The fewest replicas of catalog answering at any moment (the app image change only). */
    fewestServing?: number;
}

/** Whether every app container of `names` is healthy now. */
function allHealthy(names: string[]): boolean {
    const out = spawnSync("docker", ["inspect", "--format", "{{.Name}} {{if .State.Health}}{{.State.Health.Status}}{{end}}", ...names], {
        encoding: "utf8",
    });
    if (out.status !== 0) return false;
    const lines = out.stdout.trim().split("\n");
    return lines.length === names.length && lines.every((line) => line.endsWith(" healthy"));
}

/** Seconds from now until `command` returned and every one of `apps` is healthy. */
async function timedUntilHealthy(command: () => Promise<CommandResult>, apps: string[]): Promise<number> {
    const started = Date.now();
    succeeded(await command());
    while (!allHealthy(apps)) {
        if (Date.now() - started > 600_000) throw new Error(`not every app became healthy: ${apps.join(", ")}`);
        await sleep(100);
    }
    return (Date.now() - started) / 1000;
}

/** The memo's Compose file for the dev stack's services, with the program's own app healthcheck and images. */
function composeFile(config: Record<string, any>, images: StackImages, migrations: string, appImage: string): string {
    const services: Record<string, unknown> = {};
    const volumes: Record<string, null> = {};
    for (const [name, settings] of Object.entries(config.services as Record<string, ServiceSettings & Record<string, any>>)) {
        const db = databaseNames(name);
        volumes[`${name}-data`] = null;
        services[`${name}-db`] = {
            image: images.postgres,
            environment: { POSTGRES_DB: db.database, POSTGRES_USER: db.owner, POSTGRES_PASSWORD: PASSWORD },
            volumes: [`${name}-data:/var/lib/postgresql/data`],
            healthcheck: {
                test: ["CMD-SHELL", `pg_isready -h 127.0.0.1 -U ${db.owner} -d ${db.database}`],
                interval: "1s",
                timeout: "3s",
                retries: 10,
                start_period: "60s",
            },
        };
        services[`${name}-flyway`] = {
            image: images.flyway,
            command: ["migrate"],
            environment: {
                FLYWAY_URL: `jdbc:postgresql://${name}-db:5432/${db.database}`,
                FLYWAY_USER: db.owner,
                FLYWAY_PASSWORD: PASSWORD,
                FLYWAY_CONNECT_RETRIES: "20",
            },
            volumes: [`${path.join(migrations, name)}:/flyway/sql:ro`],
            depends_on: { [`${name}-db`]: { condition: "service_healthy" } },
        };
        for (let i = 1; i <= settings.replicas; i++) {
            services[replicaName(name, i)] = {
                image: appImage,
                environment: {
                    SPRING_DATASOURCE_URL: `jdbc:postgresql://${name}-db:5432/${db.database}`,
                    SPRING_DATASOURCE_USERNAME: db.owner,
                    SPRING_DATASOURCE_PASSWORD: PASSWORD,
                    SPRING_FLYWAY_ENABLED: "false",
                    SERVER_PORT: "8080",
                },
                ports: [`127.0.0.1:${settings.hostPort + i - 1}:8080`],
                // The program's own (targets/docker/appContainers.ts, appHealthcheck), so both wait as long.
                healthcheck: {
                    test: ["CMD", "wget", "-q", "-O", "/dev/null", `http://127.0.0.1:8080${settings.health?.readinessPath ?? "/"}`],
                    interval: "3s",
                    timeout: "3s",
                    retries: 3,
                    start_period: `${settings.health?.startupSeconds ?? 120}s`,
                },
                depends_on: { [`${name}-flyway`]: { condition: "service_completed_successfully" } },
            };
        }
    }
    return stringify({ services, volumes });
}

/** The peer: the Compose file in a folder of its own, with its own copy of the migrations. */
class ComposePeer {
    private readonly dir: string;
    private readonly project: string;
    constructor(
        root: string,
        private readonly config: Record<string, any>,
        private readonly images: StackImages,
    ) {
        this.dir = fs.mkdtempSync(path.join(root, "compose-"));
        this.project = `peer${path
            .basename(this.dir)
            .slice(-6)
            .toLowerCase()
            .replace(/[^a-z0-9]/g, "")}`;
        fs.cpSync(path.join(PROJECT_DIR, "migrations"), path.join(this.dir, "migrations"), { recursive: true });
        this.write(images.app);
    }
    write(appImage: string): void {
        fs.writeFileSync(
            path.join(this.dir, "docker-compose.yml"),
            composeFile(this.config, this.images, path.join(this.dir, "migrations"), appImage),
        );
    }
    addMigration(service: string, file: string, sql: string): void {
        fs.writeFileSync(path.join(this.dir, "migrations", service, file), sql);
    }
    /** Compose's own names of the app containers (`<project>_<service>_1`). */
    get apps(): string[] {
        return this.appServices.map((service) => `${this.project}_${service}_1`);
    }
    get appServices(): string[] {
        return Object.entries(this.config.services as Record<string, ServiceSettings>).flatMap(([name, s]) =>
            Array.from({ length: s.replicas }, (_, i) => replicaName(name, i + 1)),
        );
    }
    up(): Promise<CommandResult> {
        return runCommand("docker-compose", ["-p", this.project, "up", "-d"], { cwd: this.dir, env: {} });
    }
    async remove(): Promise<void> {
        await runCommand("docker-compose", ["-p", this.project, "down", "-v", "--remove-orphans"], { cwd: this.dir, env: {} });
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}

/** One interleaved round: the peer's four changes, then the program's. */
async function round(
    root: string,
    images: StackImages,
    toolchain: ReturnType<typeof pulumiToolchain>,
): Promise<Record<string, Record<Change, Timing>>> {
    // A folder per round: RealStack.create makes `project` in the folder it is given.
    const dir = fs.mkdtempSync(path.join(root, "round-"));
    const stack = await RealStack.create(dir, toolchain, images);
    const config = stack.config;
    const peer = new ComposePeer(dir, config, images);
    const ours: Record<string, Timing> = {};
    const theirs: Record<string, Timing> = {};
    const ourApps = Object.entries(config.services as Record<string, ServiceSettings>).flatMap(([name, s]) =>
        Array.from({ length: s.replicas }, (_, i) => `${stack.prefix}${replicaName(name, i + 1)}`),
    );
    const catalogPorts = Array.from({ length: config.services.catalog.replicas }, (_, i) => config.services.catalog.hostPort + i);
    try {
        // Compose and the program share the host ports of the dev stack's configuration: one runs at a time.
        theirs["first deploy"] = { seconds: await timedUntilHealthy(() => peer.up(), peer.apps) };
        theirs["nothing changed"] = { seconds: await timedUntilHealthy(() => peer.up(), peer.apps) };
        peer.addMigration("catalog", ...MIGRATION);
        theirs["one new migration"] = { seconds: await timedUntilHealthy(() => peer.up(), peer.apps) };
        peer.write(images.nextApp);
        const change = await probeWhile(
            catalogPorts,
            timedUntilHealthy(() => peer.up(), peer.apps),
        );
        theirs["an app image change"] = { seconds: change.result, fewestServing: fewest(change.rounds) };
        await peer.remove();

        const up = () => stack.pulumi(["up", "--yes", "--skip-preview", "--stack", stack.name]);
        ours["first deploy"] = { seconds: await timedUntilHealthy(up, ourApps) };
        ours["nothing changed"] = { seconds: await timedUntilHealthy(up, ourApps) };
        stack.addMigration("catalog", ...MIGRATION);
        ours["one new migration"] = { seconds: await timedUntilHealthy(up, ourApps) };
        config.services.catalog.image = images.nextApp;
        stack.writeConfig();
        const ourChange = await probeWhile(catalogPorts, timedUntilHealthy(up, ourApps));
        ours["an app image change"] = { seconds: ourChange.result, fewestServing: fewest(ourChange.rounds) };
    } finally {
        await peer.remove().catch(() => undefined);
        await stack.remove();
    }
    return { ours: ours as Record<Change, Timing>, theirs: theirs as Record<Change, Timing> };
}

function fewest(rounds: { answers: (string | undefined)[] }[]): number {
    return Math.min(...rounds.map((r) => r.answers.filter((a) => a !== undefined).length));
}

/** Section (e); `rounds` interleaved rounds, medians reported. */
export async function composeSection(rounds: number): Promise<void> {
    console.log(`\n(e) Side by side with the memo's Compose file, on this Docker engine, ${rounds} interleaved round(s), medians`);
    const compose = spawnSync("docker-compose", ["version", "--short"], { encoding: "utf8" });
    if (compose.status !== 0) {
        console.log("not measured: docker-compose is not installed (Debian: apt-get install docker-compose)");
        return;
    }
    const pulled = (images: StackImages) => [images.postgres, images.flyway, images.app, images.nextApp];
    await onRealEngine(pulled, async (engine, images, root) => {
        const toolchain = pulumiToolchain(PROJECT_DIR);
        console.log(
            `Docker ${engine.version}, docker-compose ${compose.stdout.trim()}, Pulumi ${toolchain.version}, ${images.kind} images`,
        );
        const results: Record<string, Record<Change, Timing>>[] = [];
        for (let i = 0; i < rounds; i++) results.push(await round(root, images, toolchain));
        console.log("| change | Compose | this program | ratio | fewest of catalog's 3 replicas serving, Compose / this program |");
        console.log("| --- | ---: | ---: | ---: | --- |");
        for (const change of ["first deploy", "nothing changed", "one new migration", "an app image change"] as Change[]) {
            const theirs = median(results.map((r) => r.theirs[change].seconds));
            const ours = median(results.map((r) => r.ours[change].seconds));
            const fewestOf = (side: "ours" | "theirs") => Math.min(...results.map((r) => r[side][change].fewestServing!));
            const serving = change === "an app image change" ? `${fewestOf("theirs")} / ${fewestOf("ours")}` : "";
            console.log(`| ${change} | ${theirs.toFixed(1)} s | ${ours.toFixed(1)} s | ${(ours / theirs).toFixed(2)}x | ${serving} |`);
        }
    });
}
