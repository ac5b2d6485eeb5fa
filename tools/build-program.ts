/**
 * `npm run build`: compiles the program into bin/, which `pulumi` then runs instead of transpiling index.ts on every
 * command (main.js; components/stack/programBuild.ts). `npm ci` and every documented Pulumi command run it; a stale
 * or missing bin/ only makes `pulumi` slower, never wrong.
 */
import { buildProgram } from "./lib/programBuild";
import { PROJECT_DIR } from "./lib/repository";

try {
    buildProgram(PROJECT_DIR);
} catch (error) {
    console.error(`npm run build: ${(error as Error).message}`);
    process.exit(1);
}
