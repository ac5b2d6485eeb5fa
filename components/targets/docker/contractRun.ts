/**
 * The contract phase's Flyway run on Docker: a second one-shot Flyway container, `<service>-flyway-contract`, that
 * applies the service's `contract/` migrations against their own history table once every replica of the new release
 * is serving, i.e. once the apps' rolling chain has ended (appContainers.ts: each replica's create returns only when it
 * is healthy, and the one before it was replaced first), never merely once the apps were registered. A failed run
 * leaves the apps as they are, is said once with the file and Flyway's log, and runs again on the next `pulumi up`
 * (contractAttempt.ts).
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { FLYWAY_SQL_DIR } from "../../flyway/config";
import { flywayFailure, logTail } from "../../flyway/log";
import { CONTRACT_FOLDER } from "../../flyway/migrationFiles";
import { afterInputs, ServiceFailure } from "../../service/inputsGate";
import type { FailedOutcome } from "../../service/migrationChain";
import { madeOf } from "../../service/whenCreated";
import { markedScript } from "./contractAttempt";
import { dockerEnvs, ONE_SHOT, oneShotOptions } from "./dockerSpelling";

export interface ContractContainerArgs {
    name: string;
    dockerName: string;
    image: pulumi.Input<string>;
    network: pulumi.Input<string>;
    /** Every FLYWAY_* variable of the contract phase (components/flyway/config.ts), and the attempt's (contractAttempt.ts). */
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
    const envs = dockerEnvs(args.environment);
    const inputs = [args.image, args.network, ...envs];
    const container = new docker.Container(
        `${args.name}-flyway-contract`,
        {
            name: containerName,
            image: args.image,
            // Flyway as the image's entrypoint would run it (`flyway` is on the PATH of the official image and the stand-in).
            entrypoints: ["/bin/sh", "-c", markedScript("flyway migrate")],
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
