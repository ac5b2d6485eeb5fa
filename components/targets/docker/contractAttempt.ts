/**
 * How the contract phase's one-shot containers on Docker (its backup and its Flyway run) remember, across updates,
 * whether they have to run again.
 *
 * A failed contract run must be run again by the next `pulumi up`, with nothing changed. The Docker provider cannot
 * fail a create on an exit code (terraform-provider-docker internal/provider/resource_docker_container_funcs.go:
 * attach only records it), and the engine replaces a resource for its stored state only after a failed create (the
 * `#initerror` of pkg/resource/deploy/step_generator.go), so the containers keep the verdict themselves: each ends
 * its log with `library-contract-exit=<code> attempt=<id>`. The next program reads those last lines with the
 * provider's `getLogs` (an invoke: it rejects, with no diagnostic, when the container does not exist) and gives both
 * containers the attempt `nextAttempt` says in LIBRARY_CONTRACT_ATTEMPT: the same one after a run that applied, which
 * changes nothing; a new one after a failure, which replaces them, i.e. runs them again.
 *
 * The same protocol defers a run: with LIBRARY_CONTRACT_DEFERRED set, a container says why, logs
 * `library-contract-exit=deferred`, and exits 0 without doing anything; the next update runs it for real.
 */

export const ATTEMPT_VARIABLE = "LIBRARY_CONTRACT_ATTEMPT";
export const DEFERRED_VARIABLE = "LIBRARY_CONTRACT_DEFERRED";
/** The attempt of containers that never ran here (or whose logs cannot be read). */
export const FIRST_ATTEMPT = "first";

const EXIT_LINE = /library-contract-exit=(\d+|deferred) attempt=(\S*)\s*$/;

/**
 * A POSIX shell script that runs `command` (unless the run is deferred) and then logs the exit and the attempt as its
 * last line. The official images (flyway/flyway, postgres) and the stand-ins all have /bin/sh.
 */
export function markedScript(command: string): string {
    const mark = (code: string) => `echo "library-contract-exit=${code} attempt=$${ATTEMPT_VARIABLE}"`;
    return (
        `if [ -n "$${DEFERRED_VARIABLE}" ]; then echo "$${DEFERRED_VARIABLE}"; ${mark("deferred")}; exit 0; fi; ` +
        `${command}; code=$?; ${mark("$code")}; exit $code`
    );
}

/** What the container's own command logged: its log without the line the script ends it with. */
export function withoutExitLine(log: string): string {
    return log.replace(/\n?library-contract-exit=(\d+|deferred) attempt=\S*\s*$/, "");
}

/** Whether the container's log says its run was deferred. */
export function wasDeferred(log: string): boolean {
    return /library-contract-exit=deferred attempt=\S*\s*$/.test(log);
}

/**
 * The attempt the contract containers are in the next update, from the last lines of their logs (Docker's timestamp,
 * a space, the line): after a run that failed or was deferred, a new one (that line's timestamp, unique to it); after
 * runs that applied, the attempt they were; without a line to read, the first.
 */
export function nextAttempt(lastLines: readonly (string | undefined)[]): string {
    const marks = lastLines.flatMap((line) => {
        const match = line === undefined ? null : EXIT_LINE.exec(line);
        return match ? [{ time: line!.split(" ")[0], code: match[1], attempt: match[2] }] : [];
    });
    const unfinished = marks.filter((m) => m.code !== "0").sort((a, b) => (a.time < b.time ? -1 : 1));
    if (unfinished.length > 0) return unfinished[unfinished.length - 1].time;
    return marks[0]?.attempt ?? FIRST_ATTEMPT;
}

/** The Docker name of a service's contract run, whose log the next program reads. */
export function contractContainerName(dockerName: string): string {
    return `${dockerName}-flyway-contract`;
}
