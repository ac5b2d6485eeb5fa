/**
 * Images on the Docker host: each pulled once per stack, at the digest its tag points to now.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { afterInputs } from "../../service/inputsGate";
import { readOrNot, reportedByEngine } from "../../service/reportedByEngine";
import { resourceError } from "../../service/resourceError";

export interface RemoteImagesOptions {
    /**
     * Resolve each tag to the digest its registry serves now, on every preview and update, and run that digest; a
     * reference pinned by digest is used as written. Default true. Off, a tag runs whatever image of that name is
     * already on the Docker host, and a new image pushed behind the same tag is never noticed.
     */
    followTags?: boolean;
    /** Options of every RemoteImage, e.g. a provider for another Docker host. */
    resourceOptions?: pulumi.CustomResourceOptions;
}

/**
 * Pulls each distinct image once per stack and hands out its image id.
 *
 * Containers refer to the pulled id rather than the reference: a container whose `image` is a bare reference shows a
 * diff on every update (pulumi-docker#325). `keepLocally` leaves the image on the host when a stack stops using it,
 * since another stack on the same host may still run it.
 *
 * A RemoteImage pulls only when its name is not on the host yet (resource_docker_image_funcs.go, findImage), so a
 * tag alone would pin whatever was pulled first; `pullTriggers` does not help either, because the replacement is
 * created before the old image resource goes and finds the tag already present. Following a tag therefore puts the
 * registry's current digest into the name (`postgres:17@sha256:…`): a moved tag is a new name, the preview shows it
 * replacing the image and every container that runs it, and the update pulls exactly that digest.
 */
export class RemoteImages {
    private readonly pulled = new Map<string, pulumi.Output<string>>();
    private readonly followTags: boolean;

    constructor(private readonly options: RemoteImagesOptions = {}) {
        this.followTags = options.followTags ?? true;
    }

    /**
     * The pulled image id of `reference` (e.g. `postgres:17`). It rejects, rather than never settling, when the
     * registry lookup fails: the RemoteImage then never registers and its own id would never settle (see
     * service/whenCreated.ts), and every container made of it would wait on it for ever.
     */
    imageId(reference: string): pulumi.Output<string> {
        let id = this.pulled.get(reference);
        if (!id) {
            // A failed lookup is said once, without a stack (service/inputsGate.ts): whatever reads the name, the
            // image's gate and every container made of it, sees that one error object. Not against the image, which
            // then never registers (see resourceError.ts): against the images' parent, if any, else the stack.
            let lookupError: Error | undefined;
            const lookupFailed = (cause: unknown): Error =>
                (lookupError ??= resourceError(
                    `${reference}: the registry lookup of this image's current digest failed${messageOf(cause)}. Check ` +
                        "that the registry is reachable and the image exists, or set `library:followImageTags: false` to use the " +
                        "image already on the Docker host.",
                    this.options.resourceOptions?.parent,
                ));
            const name = pulumi.recover(pulumi.output(this.pullName(reference)), (cause: unknown) => {
                throw lookupFailed(cause);
            });
            const image = reportedByEngine(
                new docker.RemoteImage(
                    reference,
                    { name, keepLocally: true },
                    {
                        ...this.options.resourceOptions,
                        dependsOn: afterInputs([name], lookupFailed, this.options.resourceOptions?.dependsOn),
                    },
                ),
            );
            // Read by every container of the image, or by none (a service with no replicas): then it must not reject unread.
            id = readOrNot(pulumi.all([name, image.imageId]).apply(([, imageId]) => imageId));
            this.pulled.set(reference, id);
        }
        return id;
    }

    private pullName(reference: string): pulumi.Input<string> {
        if (!this.followTags || reference.includes("@")) {
            return reference;
        }
        // A HEAD request on the manifest (data_source_docker_registry_image.go), which Docker Hub does not count as a pull.
        const current = docker.getRegistryImageOutput({ name: reference }, this.options.resourceOptions);
        return pulumi.interpolate`${reference}@${current.sha256Digest}`;
    }
}

/** `: <the lookup's message>`, or nothing when it has none. */
function messageOf(cause: unknown): string {
    const message = cause instanceof Error ? cause.message : String(cause ?? "");
    return message ? `: ${message}` : "";
}
