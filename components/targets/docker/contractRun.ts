/**
 * The contract phase on Docker: a second one-shot Flyway container, `<service>-flyway-contract`, that applies the
 * service's `contract/` migrations against their own history table once every replica of the new release is serving,
 * i.e. once the apps' rolling chain has ended (appContainers.ts: each replica's create returns only when it is
 * healthy, and the one before it was replaced first), never merely once the apps were registered.
 *
 * A failed contract run leaves the apps as they are (they were all updated before it started), is said once with the
 * file and Flyway's log, and is run again by the next `pulumi up`. The Docker provider cannot fail a create on an exit
 * code (internal/provider/resource_docker_container_funcs.go: attach only records it), and the engine replaces a
 * resource for its stored state only after a failed create (`#initerror`), so the retry is kept by the container
 * itself: it ends its log with its exit code and the attempt it was (`library-contract-exit=1 attempt=…`). The next
 * program reads that last line with the provider's `getLogs` (an invoke, which rejects without a diagnostic when the
 * container does not exist) and, after a failure, gives the next attempt a new `LIBRARY_CONTRACT_ATTEMPT`, which
 * replaces the container; after a success it gives the same attempt again, which changes nothing.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { FLYWAY_SQL_DIR } from "../../flyway/config";
import { flywayFailure, logTail } from "../../flyway/log";
import { CONTRACT_FOLDER } from "../../flyway/migrationFiles";
import { afterInputs, ServiceFailure } from "../../service/inputsGate";
import type { FailedOutcome } from "../../service/migrationChain";
import { madeOf } from "../../service/whenCreated";
import { dockerEnvs, ONE_SHOT, oneShotOptions } from "./dockerSpelling";

/** The environment variable that names the attempt, and the last line the container logs. */
export const ATTEMPT_VARIABLE = "LIBRARY_CONTRACT_ATTEMPT";
const EXIT_LINE = /library-contract-exit=(\d+) attempt=(\S*)\s*$/;
/** The attempt of a contract container that never ran here (or whose log cannot be read). */
export const FIRST_ATTEMPT = "first";

/**
 * Runs Flyway as the image's entrypoint would, then logs the exit code and the attempt as its last line. `flyway` is on
 * the PATH of the official image (and of the stand-in), and both have a POSIX shell.
 */
const CONTRACT_SCRIPT = `flyway migrate; code=$?; echo "library-contract-exit=$code attempt=$${ATTEMPT_VARIABLE}"; exit $code`;

/** Flyway's own output: the contract container's log without the line it ends with. */
export function flywayOutput(log: string): string {
    return log.replace(/\n?library-contract-exit=\d+ attempt=\S*\s*$/, "");
}

/** The attempt the next contract container is: a new one after a failed run, the same one after a run that applied. */
export function nextAttempt(lastLine: string | undefined): string {
    const match = lastLine === undefined ? null : EXIT_LINE.exec(lastLine);
    if (!match) return FIRST_ATTEMPT;
    const [, code, attempt] = match;
    // Docker's timestamp of the failed run's last line: unique to that run.
    return code === "0" ? attempt : (lastLine!.split(" ")[0] ?? FIRST_ATTEMPT);
}

/** The last line of `containerName`'s log, with Docker's timestamp; undefined when there is none to read. */
export function lastLogLine(containerName: string, parent: pulumi.Resource): pulumi.Output<string | undefined> {
    const read = docker
        .getLogsOutput({ name: containerName, tail: "1", timestamps: true, logsListStringEnabled: true, discardHeaders: true }, { parent })
        .apply((result) => result.logsListStrings?.at(-1));
    return pulumi.recover(read, (): string | undefined => undefined);
}

export interface ContractContainerArgs {
    name: string;
    dockerName: string;
    image: pulumi.Input<string>;
    network: pulumi.Input<string>;
    /** Every FLYWAY_* variable of the contract phase (components/flyway/config.ts). */
    environment: Record<string, pulumi.Input<string>>;
    /** The contract migrations and the app-role callback, uploaded into /flyway/sql. */
    files: { name: string; content: string }[];
    labels: docker.types.input.ContainerLabel[];
    /** Every replica of the new release serving (and the contract backup, where set); rejects when not. */
    dependsOn: pulumi.Input<pulumi.Input<pulumi.Resource>[]>;
    timeoutSeconds: number;
    failure: ServiceFailure;
}

export function contractContainerName(dockerName: string): string {
    return `${dockerName}-flyway-contract`;
}

export function createContractContainer(args: ContractContainerArgs, parent: pulumi.Resource): docker.Container {
    const containerName = contractContainerName(args.dockerName);
    const attempt = lastLogLine(containerName, parent).apply(nextAttempt);
    const envs = dockerEnvs({ ...args.environment, [ATTEMPT_VARIABLE]: attempt });
    const inputs = [args.image, args.network, ...envs];
    const container = new docker.Container(
        `${args.name}-flyway-contract`,
        {
            name: containerName,
            image: args.image,
            entrypoints: ["/bin/sh", "-c", CONTRACT_SCRIPT],
            command: ["flyway-contract"],
            envs,
            uploads: args.files.map((file) => ({ file: `${FLYWAY_SQL_DIR}/${file.name}`, content: file.content })),
            networksAdvanced: [{ name: args.network }],
            ...ONE_SHOT,
            labels: args.labels,
        },
        oneShotOptions(parent, afterInputs(inputs, args.failure, args.dependsOn), args.timeoutSeconds),
    );
    return madeOf(container, inputs);
}

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
