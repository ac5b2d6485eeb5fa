/**
 * Gating Flyway on the backup's *success*, as Flyway gates the apps (exitCodeGate.ts): the backup container's create
 * finishes at its exit whatever the code, so Flyway waits on an Output that knows the code. A failed backup is one
 * more reason for the service's migration not to run, with pg_dump's log and the way out; nothing else changes for
 * the service, and other services are not affected.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { logTail } from "../../flyway/log";
import type { NotRun } from "../../service/outcome";
import { whenCreated } from "../../service/whenCreated";

/** What to do about a failed backup: pg_dump's log, and how to run it again. */
export function backupFailedFix(log: string, backupUrn: string, volume: string): string {
    return (
        `Flyway did not run, so the database is as it was.\nThe backup's log:\n${logTail(log)}\n` +
        `Fix the cause (the database, or space for the volume ${volume} on the Docker host) and run the backup again:\n` +
        `    pulumi up --replace '${backupUrn}'`
    );
}

/**
 * Why the service must not migrate, now also counting the backup: `notRun` as it was, or, once the backup ran (it
 * only runs when `notRun` is undefined), its failure. Never rejects, and never reads the backup's outputs unless it
 * registered: those of a container that never registered never resolve.
 */
export function notRunAfterBackup(
    service: string,
    notRun: pulumi.Output<NotRun | undefined>,
    backup: docker.Container,
    volume: string,
): pulumi.Output<NotRun | undefined> {
    return notRun.apply((stop) => (stop ? pulumi.output(stop) : backupProblem(service, backup, volume)));
}

function backupProblem(service: string, backup: docker.Container, volume: string): pulumi.Output<NotRun | undefined> {
    const exit = whenCreated(backup).apply((urn) => pulumi.all([backup.exitCode, backup.containerLogs, urn]));
    const ran = exit.apply(([code, log, urn]): NotRun | undefined =>
        code === 0
            ? undefined
            : {
                  service,
                  status: "not-run",
                  reason: `its backup before migrating failed with exit code ${code ?? -1}`,
                  fix: backupFailedFix(log ?? "", urn, volume),
              },
    );
    // A failed create (or an input that rejected) rejects this; the provider's error reaches the update on its own.
    return pulumi.recover(ran, (): NotRun => ({ service, status: "not-run", reason: "its backup container could not be created" }));
}
