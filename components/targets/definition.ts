/**
 * What the library stack needs to know of a target, beyond the ServiceTarget seam the component uses: how a stack
 * file names it, its stack-wide keys, its default images, how to set up its platform once per stack, and what
 * migrate-only excludes. Each target folder exports one TargetDefinition; registry.ts lists them, and nothing else in
 * the program names a target.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { MigrationSet } from "../flyway/migrationFiles";
import type { ServiceArguments, TargetKeys } from "../service/arguments";
import type { ArgumentProblem, ServiceTarget } from "../service/target";

/** A name a service takes on its platform: two services taking the same one would collide there. */
export interface NameClaim {
    /** The kind of name: objects of one kind share one namespace. */
    kind: string;
    name: string;
    /** What it is for, e.g. `its database's network alias`. */
    what: string;
}

/** What a target sets up once per stack: the target every service is deployed with, images, and stack outputs. */
export interface Platform {
    target: ServiceTarget;
    /** What a container or pod runs for an image reference (on Docker the pulled image's id). */
    image(reference: string): pulumi.Input<string>;
    /** The platform's own stack outputs (Docker: the network; Kubernetes: the namespace). */
    outputs: Record<string, pulumi.Output<unknown>>;
}

export interface TargetDefinition<StackKeys extends z.core.$ZodLooseShape = z.core.$ZodLooseShape, Settings = unknown> {
    /** How a stack file names it: `library:target: docker`. */
    name: string;
    /** How messages name it: `Docker`. */
    title: string;
    /** The per-service keys only this target reads (the same schema its ServiceTarget has). */
    serviceKeys: TargetKeys;
    /**
     * What this target does instead of another target's per-service key, by key path, for the message that refuses it
     * (`rollout` on Kubernetes: "the Deployment always rolls, …").
     */
    insteadOf: Record<string, string>;
    /** Per-service problems the schema cannot judge; the same rules as its ServiceTarget's. */
    argumentProblems(args: ServiceArguments, migrations: MigrationSet): ArgumentProblem[];
    /**
     * The names a service takes on the platform, by kind (`dns`, `container`, `Service`, `Secret`, …), what it took
     * them for, and the stack (`undefined` when a stack file is checked alone): two services may not take one name.
     */
    claimedNames?(service: string, args: ServiceArguments, stack: string | undefined): NameClaim[];
    /** Problems among the services of one stack (two claiming one host port, say), each naming the services' keys. */
    serviceSetProblems?(services: readonly { name: string; args: ServiceArguments }[], where: (service: string) => string): string[];
    /** The stack-wide keys only this target reads. */
    stackKeys: StackKeys;
    /** The target's stack settings from those keys (parsed, defaults applied), or what is wrong with them, by key. */
    stackSettings(keys: z.output<z.ZodObject<StackKeys>>, stack: string | undefined): { settings: Settings; problems: ArgumentProblem[] };
    /** The PostgreSQL image a stack gets when it names none. */
    defaultPostgresImage: string;
    /** Why this target cannot run `image` as a database, or undefined. */
    postgresImageProblem(image: string): string | undefined;
    /** Sets the platform up for stack `stack`: registers what the services share. */
    platform(settings: Settings, stack: string): Platform;
    /** A glob over the Pulumi URNs of `service`'s apps, which migrate-only excludes (`pulumi up --exclude`). */
    appExcludeGlob(project: string, stack: string, service: string): string;
    /** Globs over the Pulumi URNs of `service`'s contract phase (its run, and what the run alone needs). */
    contractGlobs(project: string, stack: string, service: string): string[];
}

/** Declares a target's definition with its stack keys and settings types checked against each other. */
export function defineTarget<StackKeys extends z.core.$ZodLooseShape, Settings>(
    definition: TargetDefinition<StackKeys, Settings>,
): TargetDefinition<StackKeys, Settings> {
    return definition;
}
