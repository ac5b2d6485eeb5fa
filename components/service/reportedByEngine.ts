/**
 * A resource whose failure the engine reports, and only the engine.
 *
 * When a create fails under `--continue-on-error`, the engine answers the registration with result FAIL (or SKIP for
 * what depends on it) and prints the provider's error against the resource. The Node SDK (3.252 and later) then
 * rejects the resource's URN, id and every output (runtime/resource.js: `resource ${name} [${t}] failed to
 * register`), and each output's internal isKnown and isSecret promises reject with nobody waiting on them
 * (output.js, OutputImpl's constructor): Node reports them as unhandled, and the SDK prints "Running program … failed
 * with an unhandled exception: Error: resource catalog-db [docker:index/container:Container] failed to register" with
 * its JavaScript stack, under the stack. Seen on the real engine. The failure is already said, where it belongs; the
 * program takes those rejections as handled. Whatever reads a resource's outputs still sees them reject (whenCreated).
 */
import * as pulumi from "@pulumi/pulumi";

export function reportedByEngine<T extends pulumi.Resource>(resource: T): T {
    for (const value of Object.values(resource)) {
        if (pulumi.Output.isInstance(value)) readOrNot(value);
    }
    return resource;
}

/**
 * `output`, whose own isKnown and isSecret rejections are taken as handled: for an Output made of a resource whose
 * failure the engine reports, and that may be read by nobody. Whatever reads it still sees it reject.
 */
export function readOrNot<T>(output: pulumi.Output<T>): pulumi.Output<T> {
    const ignore = () => undefined;
    const internals = output as unknown as { isKnown?: Promise<unknown>; isSecret?: Promise<unknown> };
    internals.isKnown?.catch(ignore);
    internals.isSecret?.catch(ignore);
    return output;
}
