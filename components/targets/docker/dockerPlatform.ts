/**
 * What the library stack shares on one Docker host: the stack's network, each image pulled once, and the Docker
 * target every service is deployed with.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { reportedByEngine } from "../../service/reportedByEngine";
import type { Platform } from "../definition";
import { DockerTarget } from "./dockerTarget";
import { RemoteImages } from "./remoteImages";

export interface DockerPlatformArgs {
    stack: string;
    publishAddress: string;
    followImageTags: boolean;
}

export function dockerPlatform(args: DockerPlatformArgs): Platform {
    const networkName = `library-${args.stack}`;
    const network = reportedByEngine(new docker.Network("network", { name: networkName }));
    const images = new RemoteImages({ followTags: args.followImageTags });
    return {
        // Docker names are prefixed with the stack, so that several stacks can share one Docker host.
        target: new DockerTarget({ network: network.name, namePrefix: `${args.stack}-`, publishAddress: args.publishAddress }),
        image: (reference) => images.imageId(reference),
        // As configured: an output read from the network would reject, unread, when it could not be created.
        /** The stack network's name. */
        outputs: { network: pulumi.output(networkName) },
    };
}
