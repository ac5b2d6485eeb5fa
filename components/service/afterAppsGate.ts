/**
 * The component's outputs settle only after its apps' gate has: a failed migration's error must reach Pulumi while
 * the program is still running, or it is printed with a JavaScript stack trace, under the stack.
 *
 * Why. The Node SDK marks a program finished as soon as the outputs it exported have resolved, and from then on
 * logs an unhandled rejection as `err.stack` with no resource, ignoring a ResourceError's resource and `hideStack`
 * (@pulumi/pulumi cmd/run/index.js, uncaughtHandler and `programRunning`; before that, cmd/run/run.js logs it
 * against its resource). A failed migration rejects the apps' gate (targets/docker/exitCodeGate.ts); every app's
 * registration then rejects with that ResourceError as soon as it awaits its `dependsOn`, the first thing it awaits
 * (runtime/resource.js, prepareResource). Node emits unhandled rejections only once the microtask queue has drained
 * (lib/internal/process/task_queues.js, processTicksAndRejections then processPromiseRejections), and outputs
 * derived from the migration's outcome alone resolve in that same drain, first. Seen on the real engine.
 *
 * So every output waits until the gate has settled, either way, and then one macrotask more (setImmediate), by which
 * time Node has reported the apps' rejections. An open gate costs nothing: the outputs never wait for the apps
 * themselves to be created.
 */
import * as pulumi from "@pulumi/pulumi";

/** `value`, once `gate` has settled and the rejections it caused have been reported. */
export function afterAppsGate<T>(gate: pulumi.Output<unknown>, value: pulumi.Output<T>): pulumi.Output<T> {
    const decided = pulumi.recover(
        gate.apply(() => undefined),
        () => undefined,
    );
    const reported = decided.apply(() => new Promise<void>((resolve) => setImmediate(resolve)));
    // The values are plain data (outcomes, names, commands): unwrapping changes nothing but the type.
    return pulumi.all([reported, value]).apply(([, v]) => v) as pulumi.Output<T>;
}
