/**
 * `npm run bench`, section (f): Flyway's JVM options on Docker (FLYWAY_JVM_OPTIONS, targets/docker/flywayContainer.ts)
 * as a first deploy meets them: three fresh PostgreSQL containers and three Flyway containers started at once, each
 * Flyway migrating the catalog's migrations into its own database as soon as it accepts connections (the program's
 * connection retries). Timed until every Flyway exited 0, with and without the options, interleaved; prints the
 * medians and their ratio. Same engine, images and toolchain variables as section (e).
 */
import * as path from "path";
import { FLYWAY_JVM_OPTIONS, WAIT_FOR_THE_DATABASE } from "../../components/targets/docker/flywayContainer";
import { PROJECT_DIR } from "../../tools/lib/repository";
import { docker } from "../real/support/dockerEngine";
import { StackImages } from "../real/support/images";
import { median, onRealEngine } from "./realEngine";

const SERVICES = 3;

/** Seconds until every Flyway exited, from the moment the first database was started. */
function firstDeployOfFlyway(images: StackImages, jvmOptions: Record<string, string>, prefix: string): number {
    const network = `${prefix}-net`;
    docker(["network", "create", network]);
    const names: string[] = [];
    try {
        const started = Date.now();
        for (let i = 1; i <= SERVICES; i++) {
            const db = `${prefix}-db${i}`;
            names.push(db);
            docker([
                "run",
                "-d",
                "--name",
                db,
                "--network",
                network,
                "-e",
                "POSTGRES_PASSWORD=bench",
                "-e",
                "POSTGRES_USER=o",
                "-e",
                "POSTGRES_DB=d",
                images.postgres,
            ]);
        }
        const flyways = Array.from({ length: SERVICES }, (_, i) => `${prefix}-flyway${i + 1}`);
        flyways.forEach((flyway, i) => {
            names.push(flyway);
            const env = {
                FLYWAY_URL: `jdbc:postgresql://${prefix}-db${i + 1}:5432/d`,
                FLYWAY_USER: "o",
                FLYWAY_PASSWORD: "bench",
                FLYWAY_LOCATIONS: "filesystem:/flyway/sql",
                ...WAIT_FOR_THE_DATABASE,
                ...jvmOptions,
            };
            docker([
                "run",
                "-d",
                "--name",
                flyway,
                "--network",
                network,
                "-v",
                `${path.join(PROJECT_DIR, "migrations", "catalog")}:/flyway/sql:ro`,
                ...Object.entries(env).flatMap(([key, value]) => ["-e", `${key}=${value}`]),
                images.flyway,
                "migrate",
            ]);
        });
        const exits = flyways.map((flyway) => docker(["wait", flyway]).trim());
        const seconds = (Date.now() - started) / 1000;
        if (exits.some((code) => code !== "0")) throw new Error(`a Flyway run failed: exit codes ${exits.join(", ")}`);
        return seconds;
    } finally {
        if (names.length > 0) docker(["rm", "-f", "-v", ...names]);
        docker(["network", "rm", network]);
    }
}

/** Section (f); `rounds` interleaved pairs. */
export async function flywayJvmSection(rounds: number): Promise<void> {
    console.log(
        `\n(f) Flyway's JVM options: ${SERVICES} fresh databases and their Flyway runs at once, ${rounds} interleaved round(s), medians`,
    );
    await onRealEngine(
        (images) => [images.postgres, images.flyway],
        async (_engine, images) => {
            const without: number[] = [];
            const withOptions: number[] = [];
            for (let i = 0; i < rounds; i++) {
                without.push(firstDeployOfFlyway(images, {}, `benchjvm${i}a`));
                withOptions.push(firstDeployOfFlyway(images, FLYWAY_JVM_OPTIONS, `benchjvm${i}b`));
            }
            console.log(`| JVM options | until every Flyway exited | ratio |`);
            console.log(`| --- | ---: | ---: |`);
            const [defaults, tuned] = [median(without), median(withOptions)];
            console.log(`| the JVM's defaults | ${defaults.toFixed(1)} s | 1.00 |`);
            console.log(`| ${FLYWAY_JVM_OPTIONS.JAVA_TOOL_OPTIONS} | ${tuned.toFixed(1)} s | ${(tuned / defaults).toFixed(2)} |`);
        },
    );
}
