/**
 * The compiled program: what `npm run build` (tools/build-program.ts) writes to bin/, and whether it is still the
 * program as its sources are now.
 *
 * Pulumi runs a TypeScript program through ts-node (@pulumi/pulumi cmd/run/run.js), which transpiles every module on
 * every run: about 1 s before the first resource on a 2-core machine, and its cache (a temp folder keyed by the
 * project's absolute path) is cold on every fresh checkout, i.e. on every CI environment's first deploy. The build
 * does that once, and main.js runs it. A build that no longer matches its sources is never run: main.js checks the
 * manifest below (with this module's compiled copy in bin/) and falls back to the sources through tsx, so a stale bin/
 * costs time, never correctness.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

/** Where the build goes (tsconfig.json's outDir, which tsconfig.pulumi.json extends). */
export const BUILD_DIR = "bin";
/** The manifest, written last by the build: which sources it compiled and their digest. */
export const MANIFEST = ".sources.json";
/** The compiler settings are sources too: a changed target or module format is a different program. */
const SETTINGS = ["tsconfig.json", "tsconfig.pulumi.json"];

export interface BuildManifest {
    /** Every source the compiler read, relative to the project, sorted (the compiler settings included). */
    sources: string[];
    sha256: string;
}

/** What an import may resolve to: a file with one of these endings, added beside a source, can change the program. */
const TYPESCRIPT_FILE = /\.(ts|tsx|mts|cts)$/;

/**
 * The digest of `sources` (relative to `projectDir`) as they are now: each one's path and content, and the TypeScript
 * files of every folder an import of one could resolve into (its own; for an index.ts, the folder above too). A file
 * added there can change the program without changing any source: `./greeting` is components/greeting/index.ts until
 * components/greeting.ts appears.
 */
export function sourcesDigest(projectDir: string, sources: string[]): string {
    const hash = createHash("sha256");
    for (const source of sources) {
        hash.update(source)
            .update("\0")
            .update(fs.readFileSync(path.join(projectDir, source)))
            .update("\0");
    }
    const folders = sources.flatMap((source) => {
        const folder = path.dirname(source);
        return path.basename(source).startsWith("index.") ? [folder, path.dirname(folder)] : [folder];
    });
    for (const folder of [...new Set(folders)].sort()) {
        const files = fs
            .readdirSync(path.join(projectDir, folder))
            .filter((name) => TYPESCRIPT_FILE.test(name))
            .sort();
        hash.update(`${folder}/\0${files.join("\0")}\0`);
    }
    return hash.digest("hex");
}

/** The manifest of a build of `compiled` (paths relative to `projectDir`). */
export function buildManifest(projectDir: string, compiled: string[]): BuildManifest {
    const sources = [...new Set([...compiled, ...SETTINGS])].sort();
    return { sources, sha256: sourcesDigest(projectDir, sources) };
}

/**
 * The compiled entry (bin/index.js) when the build in `projectDir` is of the sources as they are now; undefined when
 * there is none, it is incomplete, or any source it compiled changed or is gone.
 */
export function currentBuild(projectDir: string): string | undefined {
    const entry = path.join(projectDir, BUILD_DIR, "index.js");
    try {
        const manifest = JSON.parse(fs.readFileSync(path.join(projectDir, BUILD_DIR, MANIFEST), "utf8")) as BuildManifest;
        if (!fs.existsSync(entry) || sourcesDigest(projectDir, manifest.sources) !== manifest.sha256) return undefined;
        return entry;
    } catch {
        // No manifest, an unreadable one, or a source that is gone: not a build of these sources.
        return undefined;
    }
}
