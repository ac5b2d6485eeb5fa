/**
 * Reading a resource's outputs without hanging when it never registered.
 *
 * A resource whose input rejects (an image that could not be pulled, a volume or network that could not be created)
 * never reaches the engine, and with the Node SDK this project pins (3.248) its own outputs then never settle:
 * `prepareResource` fails before any resolver is handed out (runtime/resource.js; 3.257 rejects them instead). Code
 * that waits on such a resource's URN or exit code would wait forever and the update would hang. So the resources
 * whose outputs the program reads record what they are made of, and are read through whenCreated, which rejects as
 * soon as one of those inputs does.
 */
import * as pulumi from "@pulumi/pulumi";

const inputsOf = new WeakMap<pulumi.Resource, pulumi.Input<unknown>[]>();

/** Records the inputs of `resource` that come from other resources (images, networks, volumes, passwords). */
export function madeOf<T extends pulumi.CustomResource>(resource: T, inputs: pulumi.Input<unknown>[]): T {
    inputsOf.set(resource, inputs);
    return resource;
}

/** `resource`'s URN once it is created; rejects when its create failed or when an input it is made of rejected. */
export function whenCreated(resource: pulumi.CustomResource): pulumi.Output<string> {
    return pulumi.all(inputsOf.get(resource) ?? []).apply(() => resource.urn);
}
