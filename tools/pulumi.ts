/**
 * `npm run pulumi -- <args>`: the Pulumi CLI with the CLI and backend every documented command uses
 * (lib/pulumiCommand.ts), e.g. `npm run pulumi -- stack output services --stack dev`.
 */
import { runPulumi } from "./lib/pulumiCommand";

process.exit(runPulumi(process.argv.slice(2)));
