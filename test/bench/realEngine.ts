/**
 * What the real-engine sections of `npm run bench` share: a Docker engine, the dev stack's images (official or
 * stand-ins, from the environment as in the real-engine test) pulled beforehand, and a scratch folder, all for the
 * duration of one section.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DockerEngine, docker, dockerEngine } from "../real/support/dockerEngine";
import { stackImages, StackImages } from "../real/support/images";
import { devStackConfig } from "../real/support/realStack";

/** Runs `section` with the engine, the images (`pull` of them pulled first) and a scratch folder; stops them after. */
export async function onRealEngine<T>(
    pull: (images: StackImages) => string[],
    section: (engine: DockerEngine, images: StackImages, root: string) => Promise<T>,
): Promise<T> {
    const engine = await dockerEngine();
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "library-bench-"));
    const dev = devStackConfig();
    const images = await stackImages(root, {
        postgresImage: dev.postgresImage,
        flywayImage: dev.flywayImage,
        appImage: dev.services.catalog.image,
    });
    try {
        for (const image of pull(images)) docker(["pull", "-q", image]);
        return await section(engine, images, root);
    } finally {
        await images.stop();
        await engine.stop();
        fs.rmSync(root, { recursive: true, force: true });
    }
}

/** The median of `values` (the upper one of an even count). */
export const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
