/**
 * What `pulumi` runs (Pulumi.yaml, `main`): the program as `npm run build` compiled it (bin/) while that build is of
 * the sources as they are now, else index.ts itself through tsx. Either way the same program runs; the build only
 * spares each command the transpiling (components/stack/programBuild.ts).
 *
 * Plain JavaScript on purpose, with the runtime option `typescript: false`: with `true`, Pulumi's Node.js runtime loads
 * the TypeScript compiler and ts-node before the program's first line whatever the program is (@pulumi/pulumi
 * cmd/run/run.js, `if (typeScript)`), about 0.4 s of every command on a 2-core machine (docs/benchmarks.md).
 */
"use strict";

/** bin/index.js when bin/ is a build of the sources as they are now; undefined when there is no build or it is stale. */
function compiledProgram(projectDir) {
    try {
        // The build's own copy of the check. A stale copy still reads the manifest of the build it belongs to, and
        // that build's sources include this very check: any edit to either makes the digest differ.
        const { currentBuild } = require("./bin/components/stack/programBuild.js");
        return typeof currentBuild === "function" ? currentBuild(projectDir) : undefined;
    } catch {
        // No build yet (npm ci runs it: the `prepare` script), or one that cannot even check itself: the sources run.
        return undefined;
    }
}

/** Lets `require` load TypeScript, as the project's tools do (tsx, a devDependency). */
function registerTypeScript() {
    let tsx;
    try {
        tsx = require("tsx/cjs/api");
    } catch (error) {
        if (error.code !== "MODULE_NOT_FOUND") throw error;
        throw new Error(
            "bin/ is missing or is not a build of the sources as they are, and tsx, which would run the sources, is not " +
                "installed. Run `npm ci` (it builds bin/), or `npm run build` after editing the sources.",
            { cause: error },
        );
    }
    tsx.register();
}

let entry = compiledProgram(__dirname);
if (entry === undefined) {
    registerTypeScript();
    entry = "./index.ts";
}
const program = require(entry);

// The project folder, which index.ts reads Pulumi.yaml and the migrations from: bin/index.js lives one level down.
module.exports = () => program(__dirname);
