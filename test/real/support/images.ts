/**
 * The images the real-engine test deploys, chosen by the environment, never by editing files:
 *
 * - LIBRARY_REAL_IMAGES=official (the default): the dev stack's own images from their public registries, tags
 *   followed to digests on Docker Hub as in any user's `pulumi up`.
 * - LIBRARY_REAL_IMAGES=standins: images built from Debian's packages by tools/standins/build.sh, for machines that
 *   cannot pull (this project's CI), served by a local registry so tags are followed the same way.
 *
 * Either way the test needs two releases of the app image, for a rolling change.
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
    /** Environment the Pulumi commands need to reach the images' registry. */
    env: Record<string, string>;
    /** Which kind these are, for the test's log. */
    kind: "official" | "standins";
    stop(): Promise<void>;
}

/** The official images: the dev stack's, and the app's next release (LIBRARY_REAL_NEXT_APP_IMAGE to choose another). */
function officialImages(devStack: { postgresImage: string; flywayImage: string; appImage: string }): StackImages {
    return {
        postgres: devStack.postgresImage,
        flyway: devStack.flywayImage,
        app: devStack.appImage,
        nextApp: process.env.LIBRARY_REAL_NEXT_APP_IMAGE ?? "nginxinc/nginx-unprivileged:1.27.5-alpine",
        env: {},
        kind: "official",
        stop: async () => undefined,
    };
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
    const push = (image: string) => {
        const remote = `${registry.host}/${STANDIN_PREFIX}/${image}`;
        docker(["tag", `${STANDIN_PREFIX}/${image}`, remote]);
        docker(["push", remote]);
        return remote;
    };
    try {
        return {
            postgres: push("postgres:17"),
            flyway: push("flyway:11"),
            app: push("app:1"),
            nextApp: push("app:2"),
            env: registry.env,
            kind: "standins",
            stop: async () => {
                await registry.stop();
                // The names this run gave the stand-ins (and what the stack pulled by digest) go; the stand-ins stay.
                const ours = docker(["image", "ls", "--format", "{{.Repository}}:{{.Tag}}"])
                    .split("\n")
                    .filter((name) => name.startsWith(`${registry.host}/`))
                    .map((name) => name.replace(/:<none>$/, ""));
                if (ours.length > 0) docker(["image", "rm", "--force", ...new Set(ours)]);
            },
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
            return officialImages(devStack);
        case "standins":
            return standinImages(workDir);
        default:
            throw new Error(`LIBRARY_REAL_IMAGES is '${kind}'; use 'official' (pull the public images) or 'standins' (build them here)`);
    }
}
