/**
 * Reading a resource's outputs without hanging when it never registered.
 *
 * A resource whose input rejects (an image that could not be pulled, a volume or network that could not be created)
 * never reaches the engine. The SDK this project uses (3.257 and later) then rejects its outputs
 * (runtime/resource.js, failPendingRegistration); before 3.257 they never settle, because `prepareResource` fails
 * before any resolver is handed out, and code that waits on such a resource's URN or exit code waits for ever. The
 * component is imported into other teams' stacks, on SDKs of their choosing, so it does not rely on the newer
 * behaviour: the resources whose outputs it reads record what they are made of, and are read through whenCreated,
 * which rejects as soon as one of those inputs does.
 */
import * as pulumi from "@pulumi/pulumi";
import { reportedByEngine } from "./reportedByEngine";

const inputsOf = new WeakMap<pulumi.Resource, pulumi.Input<unknown>[]>();

/**
 * Records the inputs of `resource` that come from other resources (images, networks, volumes, passwords). Its
 * failure is then the engine's to report (reportedByEngine.ts).
 */
export function madeOf<T extends pulumi.CustomResource>(resource: T, inputs: pulumi.Input<unknown>[]): T {
    inputsOf.set(resource, inputs);
    return reportedByEngine(resource);
}

/**
 * `resource`'s URN once it is created; rejects as soon as its create failed or an input it is made of rejected.
 * Unknown inputs (in a preview, a moved tag's new image) do not make it unknown: the URN is known in a preview, and
 * what the preview knows, such as a stored failure to warn about, must stay visible.
 */
export function whenCreated(resource: pulumi.CustomResource): pulumi.Output<string> {
    // Rejects as soon as an input did; never resolves.
    const inputFailed = inputsSettled(inputsOf.get(resource) ?? []).then(() => new Promise<never>(() => undefined));
    const urn = new Promise<string>((resolve, reject) => {
        pulumi.recover(resource.urn.apply(resolve), (error: unknown) => reject(error));
    });
    return pulumi.output(Promise.race([urn, inputFailed]));
}

/**
 * Those of `resources` that were registered. In a preview nothing fails to be created, but a resource whose input
 * rejected (a registry lookup that failed) is never registered, and depending on it would hold the preview up for
 * ever; depending on the others keeps the plan's edges as the update will have them. Each must record `madeOf`.
 */
export function registeredOf(resources: pulumi.CustomResource[]): pulumi.Output<pulumi.Resource[]> {
    const each = resources.map((resource) =>
        pulumi.recover(
            whenCreated(resource).apply((): pulumi.Resource[] => [resource]),
            (): pulumi.Resource[] => [],
        ),
    );
    return pulumi.all(each).apply((lists) => lists.flat());
}

/**
 * Resolves once every one of `inputs` has settled, known or not (in a preview, an image not pulled yet is unknown,
 * and an apply on it never runs); rejects with the error of the first that rejected. Every Output made here is read
 * to the end, through pulumi.recover: an Output's isKnown and isSecret promises reject with its error whether or not
 * anyone reads them (output.js, OutputImpl's constructor), and one left unread is an unhandled rejection, which the
 * program reports with a stack. Shared by whenCreated and the input gates (inputsGate.ts).
 */
export function inputsSettled(inputs: pulumi.Input<unknown>[]): Promise<void> {
    return Promise.all(inputs.map(settled)).then(() => undefined);
}

function settled(input: pulumi.Input<unknown>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
        const watched = pulumi.recover(
            pulumi.all([input]).apply(() => undefined),
            (cause: unknown) => {
                reject(cause);
                return undefined;
            },
        );
        // Settles once the value has, known or unknown (output.js, recover); after a rejection it changes nothing.
        void (watched as unknown as { isKnown: Promise<boolean> }).isKnown.then(() => resolve());
    });
}
