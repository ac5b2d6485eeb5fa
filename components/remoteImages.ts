import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

/**
 * Pulls each distinct image once per stack and hands out its image id.
 *
 * Containers refer to the pulled id rather than the reference: a container whose `image` is a bare reference shows a
 * diff on every update (pulumi-docker#325). `keepLocally` leaves the image on the host when a stack stops using it,
 * since another stack on the same host may still run it.
 */
export class RemoteImages {
    private readonly pulled = new Map<string, docker.RemoteImage>();

    constructor(private readonly opts: pulumi.CustomResourceOptions = {}) {}

    /** The pulled image id of `reference` (e.g. `postgres:17`). */
    imageId(reference: string): pulumi.Output<string> {
        let image = this.pulled.get(reference);
        if (!image) {
            image = new docker.RemoteImage(reference, { name: reference, keepLocally: true }, this.opts);
            this.pulled.set(reference, image);
        }
        return image.imageId;
    }
}
