/**
 * The Docker target as the library stack knows it (see ../definition.ts): its stack-wide keys, its default image, and
 * the platform every service of a stack shares on one Docker host.
 */
import { isIP } from "net";
import { z } from "zod";
import type { ServiceArguments } from "../../service/arguments";
import { imageRepository } from "../../service/imageReference";
import { defineTarget } from "../definition";
import { appContainersGlob, contractGlobs } from "./appExcludes";
import { DockerServiceKeys, dockerServiceKeys } from "./dockerKeys";
import { dockerNames } from "./dockerNames";
import { dockerPlatform } from "./dockerPlatform";
import { hostPortCollisions } from "./hostPorts";
import { DEFAULT_PUBLISH_ADDRESS, dockerArgumentProblems } from "./dockerTarget";

export interface DockerStackSettings {
    publishAddress: string;
    followImageTags: boolean;
}

export const dockerDefinition = defineTarget({
    name: "docker",
    title: "Docker",
    serviceKeys: dockerServiceKeys,
    insteadOf: {
        database: "the database is a PostgreSQL container of the stack's own",
    },
    argumentProblems: (args) => dockerArgumentProblems(args as ServiceArguments<DockerServiceKeys>),
    claimedNames: (service, args, stack) => dockerNames(service, args as ServiceArguments<DockerServiceKeys>, stack),
    serviceSetProblems: (services, where) =>
        hostPortCollisions(services as { name: string; args: ServiceArguments<DockerServiceKeys> }[], where),
    stackKeys: {
        /** Host address that published ports (hostPort, databaseHostPort) listen on; 0.0.0.0 for every interface. @default "127.0.0.1" */
        publishAddress: z.string().default(DEFAULT_PUBLISH_ADDRESS).meta({
            expected: "an IP address of this host, such as 127.0.0.1 (this host only) or 0.0.0.0 (every interface)",
        }),
        /** Resolve image tags to the registry's current digest on every preview and update. @default true */
        followImageTags: z.boolean().default(true).meta({ expected: "true or false" }),
    },
    stackSettings: (keys): { settings: DockerStackSettings; problems: { key: string; message: string }[] } => ({
        settings: keys,
        problems:
            isIP(keys.publishAddress) === 0
                ? [
                      {
                          key: "publishAddress",
                          message:
                              `'${keys.publishAddress}' is not an IP address; use 127.0.0.1 (this host only), 0.0.0.0 (every ` +
                              `interface) or one of this host's addresses`,
                      },
                  ]
                : [],
    }),
    defaultPostgresImage: "postgres:17",
    postgresImageProblem: (image) =>
        imageRepository(image) === "ghcr.io/cloudnative-pg/postgresql"
            ? `'${image}' is a CloudNativePG operand image, which has no docker-entrypoint.sh to start on Docker; use e.g. postgres:17`
            : undefined,
    platform: (settings: DockerStackSettings, stack) => dockerPlatform({ stack, ...settings }),
    appExcludeGlob: appContainersGlob,
    contractGlobs,
});
