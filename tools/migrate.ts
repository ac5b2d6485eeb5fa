/**
 * `npm run migrate -- --stack <stack> [pulumi up flags]`: applies a stack's databases and migrations only, with the
 * CLI and backend every documented command uses (lib/pulumiCommand.ts).
 *
 * Selects the stack (creating it on a fresh backend), then runs `pulumi up` with every app container excluded, so the
 * databases, volumes and Flyway containers are created or updated (and the `after` order and exit-code checks hold as
 * usual) while no app container is created, changed or removed. A pipeline runs this before the full `pulumi up`
 * that rolls out the apps.
 */
import { validateStack } from "../components/config/validateStack";
import { loadSqlParser } from "../components/flyway/sqlStatements";
import { migrateOnlyCommands } from "../components/stack/migrateOnly";
import { runPulumi } from "./lib/pulumiCommand";
import { NAMESPACE, PROJECT_DIR, rawConfig } from "./lib/repository";

async function main(args: string[]): Promise<number> {
    await loadSqlParser();
    const stackAt = args.indexOf("--stack");
    const stack = stackAt >= 0 ? args[stackAt + 1] : undefined;
    if (!stack) {
        console.error("usage: npm run migrate -- --stack <stack> [other pulumi up flags, e.g. --yes]");
        return 2;
    }
    const upArgs = args.filter((_, i) => i !== stackAt && i !== stackAt + 1);
    const stackName = stack.split("/").pop()!; // org/project/stack or plain stack
    // Same checks as the program: a bad stack file stops here, before Pulumi is even started.
    const settings = validateStack(rawConfig(stackName), PROJECT_DIR, NAMESPACE, stackName);
    const services = settings.services.map((s) => s.name);
    console.log(`migrate-only: ${stack}, services ${services.join(", ")}; every app container is excluded`);
    // The same CLI and backend as every documented command (lib/pulumiCommand.ts).
    for (const command of migrateOnlyCommands(NAMESPACE, stack, services, upArgs, settings.target)) {
        const code = runPulumi(command, PROJECT_DIR);
        if (code !== 0) return code;
    }
    return 0;
}

main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
        console.error(error instanceof Error ? error.message : error);
        process.exit(1);
    },
);
