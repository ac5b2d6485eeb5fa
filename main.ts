/**
 * What `pulumi` runs (Pulumi.yaml, `main`): the program as `npm run build` compiled it when that build is of the
 * sources as they are now, else index.ts itself, which Pulumi's ts-node transpiles as it always did. Either way the
 * same program runs; the build only spares each command the transpiling (components/stack/programBuild.ts).
 */
import { currentBuild } from "./components/stack/programBuild";

type Program = typeof import("./index");

// eslint-disable-next-line @typescript-eslint/no-require-imports -- which module runs is decided here, at run time.
const program = require(currentBuild(__dirname) ?? "./index") as Program;

// The project folder, which index.ts reads Pulumi.yaml and the migrations from: bin/index.js lives one level down.
export = () => program(__dirname);
