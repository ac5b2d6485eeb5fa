/**
 * `npm run migrate -- --stack <stack> [--phase expand|rollout|contract] [pulumi up flags]`: one phase of a deploy,
 * with the CLI and backend every documented command uses (lib/pulumiCommand.ts). `npm run migrate:contract` is
 * `--phase contract`.
 *
 * - `expand` (the default, migrate-only): `pulumi up` with every app and every contract run excluded, so the
 *   databases, backups and expand migrations are created or updated (the `after` order and exit-code checks hold as
 *   usual) while no app and no contract run is created, changed or removed.
 * - `rollout`: `pulumi up` with every contract run excluded: the apps roll out, and the contract phase waits.
 * - `contract`: the contract runs alone, after a preview of everything else that must find nothing to change: the
 *   contract phase may drop what the previous release used, so it refuses while any app is not yet the new release.
 *
 * A pipeline that wants a step between the phases (a smoke test, a soak) runs them in this order; a plain
 * `pulumi up` runs all three in one update, each after the one before.
 */
import { validateStack } from "../components/config/validateStack";
import { loadSqlParser } from "../components/flyway/sqlStatements";
import { DeployPhase, PHASES, phaseCommands } from "../components/stack/migrateOnly";
import { runPulumi } from "./lib/pulumiCommand";
import { NAMESPACE, PROJECT_DIR, rawConfig } from "./lib/repository";

const USAGE = "usage: npm run migrate -- --stack <stack> [--phase expand|rollout|contract] [other pulumi up flags, e.g. --yes]";

/** The value after `flag`, and the arguments without both. */
function option(args: string[], flag: string): { value?: string; rest: string[] } {
    const at = args.indexOf(flag);
    return at < 0 ? { rest: args } : { value: args[at + 1], rest: args.filter((_, i) => i !== at && i !== at + 1) };
}

async function main(args: string[]): Promise<number> {
    await loadSqlParser();
    const stackOption = option(args, "--stack");
    const phaseOption = option(stackOption.rest, "--phase");
    const stack = stackOption.value;
    const given = stackOption.rest.includes("--phase");
    const phase = (phaseOption.value ?? "expand") as DeployPhase;
    if (!stack || (given && phaseOption.value === undefined) || !PHASES.includes(phase)) {
        console.error(
            PHASES.includes(phase) && phaseOption.value !== undefined ? USAGE : `--phase needs one of ${PHASES.join(", ")}; ${USAGE}`,
        );
        return 2;
    }
    const stackName = stack.split("/").pop()!; // org/project/stack or plain stack
    // Same checks as the program: a bad stack file stops here, before Pulumi is even started.
    const settings = validateStack(rawConfig(stackName), PROJECT_DIR, NAMESPACE, stackName);
    const services = settings.services.map((s) => s.name);
    const what = {
        expand: "every app and every contract run is excluded",
        rollout: "every contract run is excluded",
        contract: "only the contract runs, once nothing else differs from the configuration",
    }[phase];
    console.log(`${phase}: ${stack}, services ${services.join(", ")}; ${what}`);
    const commands = phaseCommands(phase, NAMESPACE, stack, services, phaseOption.rest, settings.target);
    for (const command of commands) {
        const code = runPulumi(command, PROJECT_DIR);
        if (code !== 0) {
            if (command[0] === "preview") {
                console.error(
                    `contract: refused. The preview above failed, or found changes outside the contract phase: the new ` +
                        `release is not everywhere yet, or the stack differs from its configuration otherwise. Run the rollout ` +
                        `first (\`npm run migrate -- --stack ${stack} --phase rollout\` or \`pulumi up\`), or fix what the ` +
                        `preview says.`,
                );
            }
            return code;
        }
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
