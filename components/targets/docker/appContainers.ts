/**
 * A service's app containers on Docker, created once the migration gate opens. Each replica's inputs depend only on
 * its own index, so scaling from 3 to 5 adds replicas 4 and 5 and leaves 1 to 3 alone, and scaling down removes the
 * highest. All replicas share the service's name as a network alias: other containers reach them round-robin at
 * http://<service>:<port>.
 *
 * A replica's create finishes only once its healthcheck passes (`wait`). With `rollout: rolling` each replica also
 * waits for the one before it (`dependsOn`), so a change that replaces them all replaces one at a time: the engine
 * sends replica i's registration only once replica i-1's has returned, i.e. once the new i-1 is healthy, and a pure
 * `dependsOn` edge never pulls a dependant into its dependency's delete-before-replace (pulumi/pulumi
 * pkg/resource/deploy/step_generator.go, calculateDependentReplacements; the Node SDK awaits each dependency's URN,
 * runtime/dependsOn.ts). At most one replica is down at any moment. A replica that never becomes healthy fails the
 * update there and the rest keep the old version, and the service says so once (rolloutStopped).
 *
 * A first deploy has nothing serving to keep: when not even the first replica is on the host, every replica is
 * created at once, as with `rollout: parallel` (hostContainers.ts reads the host, in a preview as in an update).
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { ContainerLimits } from "../../service/arguments";
import { afterInputs, ServiceFailure } from "../../service/inputsGate";
import { replicaName } from "../../service/names";
import { resourceError } from "../../service/resourceError";
import { madeOf, whenCreated } from "../../service/whenCreated";
import { containerLimitArgs } from "./containerLimits";
import { containerExists } from "./hostContainers";
import type { DockerHealthChecks as HealthChecks } from "./dockerKeys";
import { dockerEnvs, goDuration, REPLACE_WHEN_NOT_INITIALIZED } from "./dockerSpelling";

export type Rollout = "rolling" | "parallel";

export interface AppContainersArgs {
    name: string;
    dockerName: string;
    image: pulumi.Input<string>;
    network: pulumi.Input<string>;
    replicas: number;
    port: number;
    hostPort?: number;
    /** Host address published ports listen on. */
    publishAddress: string;
    environment: Record<string, pulumi.Input<string>>;
    labels: docker.types.input.ContainerLabel[];
    limits?: ContainerLimits;
    health: HealthChecks;
    rollout: Rollout;
    /** Resolves only once the service's migration applied; see exitCodeGate.ts. */
    dependsOn: pulumi.Input<pulumi.Input<pulumi.Resource>[]>;
    /** What a replica fails with when an input could not be created (inputsGate.ts). */
    failure: ServiceFailure;
}

/**
 * Seconds an app gets to shut down before the provider kills it (it would otherwise stop it with a 0 s timeout:
 * resource_docker_container_funcs.go, delete). Spring Boot's graceful shutdown waits up to 30 s by default
 * (spring.lifecycle.timeout-per-shutdown-phase).
 */
export const APP_STOP_GRACE_SECONDS = 30;

/** Seconds between checks, and how long one may take. Docker marks a container healthy at its first passing check. */
const CHECK_INTERVAL_SECONDS = 3;
const CHECK_TIMEOUT_SECONDS = 3;

/** Seconds the provider keeps waiting beyond the start period: a few more checks once failures count. */
const WAIT_MARGIN_SECONDS = 30;
/** Seconds a create may take beyond the wait: creating and starting the container (its image is pulled before). */
const CREATE_MARGIN_SECONDS = 60;

/** The command Docker runs to ask an app whether it is ready: its readiness path, over HTTP, from inside. */
export function healthCommand(port: number, health: HealthChecks): string[] {
    // wget, not curl: busybox (alpine-based images) and the Debian/Ubuntu JRE images have it.
    return health.command ?? ["CMD", "wget", "-q", "-O", "/dev/null", `http://127.0.0.1:${port}${health.readinessPath}`];
}

/**
 * The healthcheck, durations spelled as the provider reads them back (see goDuration). No `startInterval`: a daemon
 * older than API 1.44 drops it, the provider then reads back "0s", and the difference would replace the replicas
 * on every update (see below).
 */
export function appHealthcheck(port: number, health: HealthChecks): docker.types.input.ContainerHealthcheck {
    return {
        tests: healthCommand(port, health),
        interval: goDuration(CHECK_INTERVAL_SECONDS),
        timeout: goDuration(CHECK_TIMEOUT_SECONDS),
        retries: 3,
        startPeriod: goDuration(health.startupSeconds),
    };
}

/**
 * What the rest of a rolling change waits for once replica `index` was not created: the service's own error when that
 * is why (its gate rejected), else one error saying where the rollout stopped, so that each later replica does not
 * report the SDK's "resource … failed to register" with a JavaScript stack.
 */
function rolloutStopped(args: AppContainersArgs, parent: pulumi.Resource): (index: number) => Error {
    let stopped: Error | undefined;
    return (index) => {
        const rest =
            index === args.replicas
                ? ""
                : index + 1 === args.replicas
                  ? `; replica ${args.replicas} was not created or changed, and keeps serving the previous version if it existed`
                  : `; replicas ${index + 1}-${args.replicas} were not created or changed, and those that existed keep serving ` +
                    "the previous version";
        return (stopped ??= resourceError(
            `${args.name}: the rollout stopped at replica ${index}, which was not created or did not become healthy ` +
                `(see its error above)${rest}. Fix the cause and run \`pulumi up\` again.`,
            parent,
        ));
    };
}

export interface AppContainers {
    replicas: docker.Container[];
    /** Resolves once every replica was created; rejects as soon as one was not (see ServiceDeployment.appsCreated). */
    created: pulumi.Output<unknown>;
}

export function createAppContainers(args: AppContainersArgs, parent: pulumi.Resource): AppContainers {
    // Only with replicas to give them to: an Output made and never read would reject unread if a password failed.
    const envs = args.replicas > 0 ? dockerEnvs(args.environment) : [];
    const healthcheck = appHealthcheck(args.port, args.health);
    const waitTimeout = args.health.startupSeconds + WAIT_MARGIN_SECONDS;
    const replicas: docker.Container[] = [];
    const stopped = rolloutStopped(args, parent);
    // Rolling: what the next replica waits for, first the gate, then the replica before it. Chained from the gate, so
    // that it rejects as soon as the gate or any earlier replica failed, rather than wait on a replica that never
    // registered (whose outputs never settle: the update would hang).
    const rolling = args.rollout === "rolling";
    const gate = pulumi.output(args.dependsOn) as pulumi.Output<pulumi.Resource[]>;
    // Only when rolling is asked for: a host read per service, and the answer decides nothing otherwise.
    const firstDeploy =
        rolling && args.replicas > 0 ? containerExists(replicaName(args.dockerName, 1), parent).apply((e) => !e) : undefined;
    let ready = rolling ? gate : undefined;
    for (let i = 1; i <= args.replicas; i++) {
        const inputs = [args.image, args.network, ...envs];
        const previous = ready;
        const waitFor =
            firstDeploy && previous
                ? whichever(
                      firstDeploy,
                      () => gate,
                      () => previous,
                  )
                : (previous ?? args.dependsOn);
        const dependsOn = afterInputs(inputs, args.failure, waitFor);
        const replica = new docker.Container(
            replicaName(args.name, i),
            {
                name: replicaName(args.dockerName, i),
                image: args.image,
                envs,
                networksAdvanced: [{ name: args.network, aliases: [args.name] }],
                ports:
                    args.hostPort === undefined ? [] : [{ internal: args.port, external: args.hostPort + i - 1, ip: args.publishAddress }],
                healthcheck,
                // The create returns once the container is healthy, and fails if it is not within the start
                // period and a few checks more (the provider polls once a second: resource_docker_container_funcs.go).
                wait: true,
                waitTimeout,
                restart: "unless-stopped",
                destroyGraceSeconds: APP_STOP_GRACE_SECONDS,
                labels: [...args.labels, { label: "library.replica", value: String(i) }],
                ...containerLimitArgs(args.limits),
            },
            {
                parent,
                dependsOn,
                // The provider's own 20 minutes would cut a long wait short (resource_docker_container.go).
                customTimeouts: { create: `${waitTimeout + CREATE_MARGIN_SECONDS}s` },
                // The name (and a host port, if any) belongs to one container at a time, so a replacement removes
                // the old replica first.
                deleteBeforeReplace: true,
                // The provider applies a healthcheck change in place to its state only, never to the container
                // (healthcheck is not in its update's list), so a changed check replaces the replica instead.
                replaceOnChanges: [...REPLACE_WHEN_NOT_INITIALIZED.replaceOnChanges, "healthcheck"],
            },
        );
        madeOf(replica, inputs);
        if (rolling) {
            const index = i;
            // Whether this replica was created, as a value: an Output that rejects, returned from an apply, leaves
            // promises of its own that reject unread (output.js, liftInnerOutput), which the program would report.
            const created = pulumi.recover(
                whenCreated(replica).apply(() => true),
                () => false,
            );
            // From this replica's own gate, so that an input that failed, a gate that rejected or an earlier replica
            // that failed is passed on as it was said; only this replica's own failure is new.
            // On a first deploy nothing reads the chain (each replica stands alone, and the provider's error is said
            // by the engine), so it says nothing either: no later replica waited, none was held back.
            const alone = firstDeploy ?? pulumi.output(false);
            ready = pulumi.all([dependsOn.apply(() => created), alone]).apply(([ok, first]): pulumi.Resource[] => {
                if (!ok && !first) throw stopped(index);
                return [replica];
            });
        }
        replicas.push(replica);
    }
    // Rolling, a replica after a failed one never registers, and its URN may never settle (service/whenCreated.ts):
    // the chain's end says it all. In parallel (and on a first deploy), each replica stands alone. Either is read by
    // the component.
    const each = (): pulumi.Output<unknown> => pulumi.all(replicas.map((replica) => whenCreated(replica)));
    const end = ready;
    const created = end && firstDeploy ? whichever<unknown>(firstDeploy, each, () => end) : (end ?? each());
    return { replicas, created };
}

/**
 * `first()` when `condition` holds, else `second()`, made and read only once chosen (an Output made and never read
 * that rejects is reported with a stack): a rejection is passed on as it was, thrown inside an apply, never returned
 * from one (service/target.ts, point 5).
 */
function whichever<T>(condition: pulumi.Output<boolean>, first: () => pulumi.Output<T>, second: () => pulumi.Output<T>): pulumi.Output<T> {
    // The rejection is kept out of the Output's value, which would copy it into a plain object (output.js, outputRec).
    let rejected: { error: unknown } | undefined;
    return condition
        .apply((which) =>
            pulumi.recover(
                (which ? first() : second()).apply((value) => ({ value })),
                (error: unknown) => {
                    rejected = { error };
                    return undefined;
                },
            ),
        )
        .apply((settled) => {
            if (rejected) throw rejected.error;
            return settled!.value;
        });
}
