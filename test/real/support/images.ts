/**
 * The images the real-engine test deploys, chosen by the environment, never by editing files:
 *
 * - LIBRARY_REAL_IMAGES=official (the default): the dev stack's own images from their public registries, tags
 *   followed to digests on Docker Hub as in any user's `pulumi up`.
 * - LIBRARY_REAL_IMAGES=standins: images built from Debian's packages by tools/standins/build.sh, for machines that
 *   cannot pull (this project's CI), served by a local registry so tags are followed the same way.
 *
 * Either way the test needs two releases of the app image, for a rolling change, and an app that uses its database on
 * every request (tools/standins/sqlapp), for the contract phase: built here, on the stand-ins' Debian or on the public
 * debian:trixie-slim, and served by a local registry.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { PROJECT_DIR } from "../../../tools/lib/repository";
import { docker } from "./dockerEngine";
import { LocalRegistry, startLocalRegistry } from "./localRegistry";

export interface StackImages {
    postgres: string;
    flyway: string;
    /** The app image of the first deploy. */
    app: string;
    /** Another release of it, for the rolling change. */
    nextApp: string;
    /** The app that runs APP_SQL on every request (tools/standins/sqlapp). */
    sqlApp: string;
    /** Environment the Pulumi commands need to reach the images' registry. */
    env: Record<string, string>;
    /** Which kind these are, for the test's log. */
    kind: "official" | "standins";
    stop(): Promise<void>;
}

/** The SQL app, built from `base` (a Debian trixie image) under `name`. */
function buildSqlApp(base: string, name: string): void {
    const build = spawnSync(
        "docker",
        ["build", "--build-arg", `BASE=${base}`, "-t", name, path.join(PROJECT_DIR, "tools", "standins", "sqlapp")],
        {
            encoding: "utf8",
        },
    );
    if (build.status !== 0) throw new Error(`building the SQL app on ${base} failed:\n${build.stdout}${build.stderr}`);
}

/** Pushes the local image `image` to `registry`, and gives the name the stack pulls it by. */
function pushTo(registry: LocalRegistry, local: string): string {
    const remote = `${registry.host}/${local}`;
    docker(["tag", local, remote]);
    docker(["push", remote]);
    return remote;
}

/** Stops `registry` and removes the names this run gave images in it (what the stack pulled by digest too). */
async function stopRegistry(registry: LocalRegistry): Promise<void> {
    await registry.stop();
    const ours = docker(["image", "ls", "--format", "{{.Repository}}:{{.Tag}}"])
        .split("\n")
        .filter((name) => name.startsWith(`${registry.host}/`))
        .map((name) => name.replace(/:<none>$/, ""));
    if (ours.length > 0) docker(["image", "rm", "--force", ...new Set(ours)]);
}

/**
 * The official images: the dev stack's, and the app's next release (LIBRARY_REAL_NEXT_APP_IMAGE to choose another);
 * the SQL app built on debian:trixie-slim and served by a local registry.
 */
async function officialImages(
    workDir: string,
    devStack: { postgresImage: string; flywayImage: string; appImage: string },
): Promise<StackImages> {
    buildSqlApp("debian:trixie-slim", "library-real/sqlapp:1");
    const registry = await startLocalRegistry(workDir);
    try {
        return {
            postgres: devStack.postgresImage,
            flyway: devStack.flywayImage,
            app: devStack.appImage,
            nextApp: process.env.LIBRARY_REAL_NEXT_APP_IMAGE ?? "nginxinc/nginx-unprivileged:1.27.5-alpine",
            sqlApp: pushTo(registry, "library-real/sqlapp:1"),
            env: registry.env,
            kind: "official",
            stop: () => stopRegistry(registry),
        };
    } catch (error) {
        await registry.stop();
        throw error;
    }
}

const STANDIN_PREFIX = "library-standin";

/** Builds the stand-ins (when their inputs changed) and pushes them to a local registry. */
async function standinImages(workDir: string): Promise<StackImages> {
    const build = spawnSync("bash", [path.join(PROJECT_DIR, "tools", "standins", "build.sh")], {
        env: { ...process.env, STANDIN_PREFIX },
        encoding: "utf8",
    });
    if (build.status !== 0) throw new Error(`tools/standins/build.sh failed:\n${build.stdout}${build.stderr}`);
    const registry: LocalRegistry = await startLocalRegistry(workDir);
    const push = (image: string) => pushTo(registry, `${STANDIN_PREFIX}/${image}`);
    try {
        return {
            postgres: push("postgres:17"),
            flyway: push("flyway:11"),
            app: push("app:1"),
            nextApp: push("app:2"),
            sqlApp: push("sqlapp:1"),
            env: registry.env,
            kind: "standins",
            // The names this run gave the stand-ins (and what the stack pulled by digest) go; the stand-ins stay.
            stop: () => stopRegistry(registry),
        };
    } catch (error) {
        await registry.stop();
        throw error;
    }
}

export async function stackImages(
    workDir: string,
    devStack: { postgresImage: string; flywayImage: string; appImage: string },
): Promise<StackImages> {
    const kind = process.env.LIBRARY_REAL_IMAGES ?? "official";
    switch (kind) {
        case "official":
            return officialImages(workDir, devStack);
        case "standins":
            return standinImages(workDir);
        default:
            throw new Error(`LIBRARY_REAL_IMAGES is '${kind}'; use 'official' (pull the public images) or 'standins' (build them here)`);
    }
}
