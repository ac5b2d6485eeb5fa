/**
 * What the program reads of the Docker host itself, through the provider's `getLogs` invoke (so through the stack's
 * provider and its host): an invoke rejects, with no diagnostic of the engine's, when the container does not exist
 * (terraform-provider-docker data_source_docker_logs.go asks the daemon for the logs by name; the daemon answers
 * "No such container"), which reads as "not there". Seen on the real CLI. Both are read in a preview as in an update,
 * so both plan the same. Any other failure (a host that does not answer) reads as "there": what decides on it then
 * does the careful thing (roll the replicas one at a time, defer the contract phase).
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

/** The last line of `containerName`'s log, read through the provider; rejects when it cannot be read. */
function readLastLine(containerName: string, parent: pulumi.Resource): pulumi.Output<docker.GetLogsResult> {
    return docker.getLogsOutput(
        { name: containerName, tail: "1", timestamps: true, logsListStringEnabled: true, discardHeaders: true },
        { parent },
    );
}

/** The last line of `containerName`'s log, with Docker's timestamp; undefined when there is none to read. */
export function lastLogLine(containerName: string, parent: pulumi.Resource): pulumi.Output<string | undefined> {
    const read = readLastLine(containerName, parent).apply((result) => result.logsListStrings?.at(-1));
    return pulumi.recover(read, (): string | undefined => undefined);
}

/** Whether a container named `containerName` is on the Docker host now (running or not). */
export function containerExists(containerName: string, parent: pulumi.Resource): pulumi.Output<boolean> {
    const read = readLastLine(containerName, parent).apply(() => true);
    return pulumi.recover(read, (error: unknown) => !saysNoSuchContainer(error));
}

/** Whether a failed read says the container is not there (the daemon's words), rather than that the host failed. */
export function saysNoSuchContainer(error: unknown): boolean {
    return /No such container/i.test(error instanceof Error ? error.message : String(error));
}
