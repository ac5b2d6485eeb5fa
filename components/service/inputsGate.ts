/**
 * A resource whose input could not be created fails as its service, once, without a stack.
 *
 * A registration serialises its inputs; when one rejects (its image could not be pulled, its volume, network,
 * namespace or Secret could not be created), the SDK prefixes the rejection's message with `error serializing
 * property "…"` and rethrows the same error object (runtime/rpc.js, serializeResourceProperties), so that every
 * resource made of a failed one adds another prefix to one shared message, and the program reports it as an unhandled
 * exception with its JavaScript stack (cmd/run/run.js, uncaughtHandler), under the stack, next to the engine's own
 * report of the provider's error. Explicit dependencies are awaited before any input is serialised
 * (runtime/resource.js, prepareResource: gatherExplicitDependencies, then serializeResourceProperties), so a gate in
 * `dependsOn` that rejects when an input did turns that into the service's one error, attributed to the service,
 * reported once (the handler dedupes by identity) and never rewritten.
 *
 * The gate must be given every Output among the resource's arguments as they are passed (a derived `NAME=value`
 * included): a registration that stops at its gate never reads them, and an Output nobody reads that rejects is
 * reported with a stack (see `inputsSettled`, service/whenCreated.ts).
 *
 * In a preview only a registry lookup can fail that way; an input that is unknown until the update opens the gate.
 */
import * as pulumi from "@pulumi/pulumi";
import { resourceError } from "./resourceError";
import { inputsSettled } from "./whenCreated";

/** The error a resource fails with when an input it is made of rejected with `cause`; resolves, never rejects. */
export type ServiceFailure = (cause: unknown) => Error | Promise<Error>;

/**
 * `dependsOn` that waits for `inputs` to settle, rejecting with `failure(cause)` as soon as one of them rejected, and
 * then for `dependsOn` itself. A resource in `dependsOn` that may fail belongs among `inputs` too, by its URN.
 */
export function afterInputs(
    inputs: pulumi.Input<unknown>[],
    failure: ServiceFailure,
    dependsOn: pulumi.ResourceOptions["dependsOn"] = [],
): pulumi.Output<pulumi.Resource[]> {
    const gate = inputsSettled(inputs).then(
        (): pulumi.Resource[] => [],
        async (cause: unknown): Promise<never> => {
            throw await failure(cause);
        },
    );
    // Recovered, so that no apply below returns an Output that rejects (its promises would be left unread, and
    // reported with a stack: output.js, liftInnerOutput); its error is thrown again once the gate opened. Kept out of
    // the Output's value, which would copy it into a plain object (output.js, outputRec).
    let explicitFailed: { error: unknown } | undefined;
    const explicit = pulumi.recover(
        pulumi.output(dependsOn).apply((resources) => (Array.isArray(resources) ? resources : [resources]) as pulumi.Resource[]),
        (error: unknown): pulumi.Resource[] => {
            explicitFailed = { error };
            return [];
        },
    );
    // Read only once the gate opened: an explicit dependency that failed would reject with the SDK's own error.
    return pulumi
        .output(gate)
        .apply(() => explicit)
        .apply((resources) => {
            if (explicitFailed) throw explicitFailed.error;
            return resources;
        });
}

/**
 * The failure of the resources of one service: the error its apps' gate rejects with (the service's not-run error,
 * when what failed came before the migration), or else one error saying its apps were not created. In a preview the
 * gate may stay unknown (a migration still to run), so it is not waited for there: the only failure a preview has is a
 * registry lookup's, which is already said once (docker/remoteImages.ts), and is passed on as it is.
 */
export function serviceFailure(service: string, parent: pulumi.Resource, appsGate: () => pulumi.Output<pulumi.Resource[]>): ServiceFailure {
    let appsNotCreated: Error | undefined;
    const otherwise = () =>
        (appsNotCreated ??= resourceError(
            `${service}: its apps were not created or changed, because something they are made of (their image, or the ` +
                "network, namespace or Secret they use) could not be created; see the error above. Apps that were running " +
                "keep serving; the next `pulumi up` tries again.",
            parent,
        ));
    return (cause) => {
        if (pulumi.runtime.isDryRun()) return pulumi.ResourceError.isInstance(cause) && cause.hideStack ? cause : otherwise();
        return new Promise<Error>((resolve) => {
            pulumi.recover(
                appsGate().apply((): pulumi.Resource[] => {
                    resolve(otherwise());
                    return [];
                }),
                (error: unknown): pulumi.Resource[] => {
                    resolve(error instanceof Error ? error : otherwise());
                    return [];
                },
            );
        });
    };
}
