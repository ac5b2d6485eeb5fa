import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { migrateOnlyArgs } from "../../components/migrateOnly";
import { validateStack } from "../../components/validateStack";
import { rawConfig } from "../support/stackFiles";

/**
 * `npm run migrate -- --stack <stack> [pulumi up flags]`: applies a stack's databases and migrations only.
 *
 * Runs `pulumi up` with every app container excluded, so the databases, volumes and Flyway containers are created or
 * updated (and the `after` order and exit-code checks hold as usual) while no app container is created, changed or
 * removed. A pipeline runs this before the full `pulumi up` that rolls out the apps.
 */
function main(args: string[]): number {
    const projectDir = path.resolve(__dirname, "..", "..");
    const stackAt = args.indexOf("--stack");
    const stack = stackAt >= 0 ? args[stackAt + 1] : undefined;
    if (!stack) {
        console.error("usage: npm run migrate -- --stack <stack> [other pulumi up flags, e.g. --yes]");
        return 2;
    }
    const stackName = stack.split("/").pop()!; // org/project/stack or plain stack
    const project = (parse(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as { name: string }).name;
    // Same checks as the program: a bad stack file stops here, before Pulumi is even started.
    const settings = validateStack(rawConfig(stackName), projectDir, project);
    const excludes = migrateOnlyArgs(project, stackName, settings.services.map((s) => s.name));
    console.log(`migrate-only: ${stack}, services ${settings.services.map((s) => s.name).join(", ")}; every app container is excluded`);
    const pulumi = path.join(projectDir, "node_modules", ".bin", "pulumi");
    const result = spawnSync(pulumi, ["up", ...args, ...excludes], { stdio: "inherit", cwd: projectDir });
    if (result.error) {
        console.error(`migrate-only: could not run ${pulumi}: ${result.error.message}`);
        return 1;
    }
    return result.status ?? 1;
}

process.exit(main(process.argv.slice(2)));
