/**
 * What a failed contract run on Docker says: the contract phase's Flyway container (flywayContainer.ts, phase
 * `contract`) leaves the apps as they are, and runs again on the next `pulumi up` (contractAttempt.ts).
 */
import { flywayFailure, logTail } from "../../flyway/log";
import { CONTRACT_FOLDER } from "../../flyway/migrationFiles";
import type { FailedOutcome } from "../../service/migrationChain";

/** The error a failed contract run is said with: the file, Flyway's log, and what the next `pulumi up` does. */
export function contractFailedMessage(outcome: FailedOutcome): string {
    const failure = flywayFailure(outcome.log);
    const file = failure.script ? ` in ${CONTRACT_FOLDER}/${failure.script}${failure.line ? ` at line ${failure.line}` : ""}` : "";
    return (
        `${outcome.service}: the contract migrations failed${file} (Flyway exited with ${outcome.exitCode ?? "an error"}): ` +
        `${failure.message}\nEvery replica already runs the new release and keeps serving; nothing else waits for this phase.\n` +
        `Flyway's log:\n${logTail(outcome.log)}\n` +
        "The next `pulumi up` runs the contract phase again. If the migration itself is wrong, fix it first (a contract " +
        "migration that never applied may be changed: `npm run lock-migrations -- --relock <service>/contract/<file>`)."
    );
}
