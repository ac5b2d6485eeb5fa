/**
 * Every target the library stack can run on, by the name a stack file gives (`library:target`). A third platform is a
 * new folder under targets/ that exports a TargetDefinition (see definition.ts), plus one line here; nothing else in
 * the program names a target.
 */
import type { TargetDefinition } from "./definition";
import { dockerDefinition } from "./docker/dockerDefinition";
import { kubernetesDefinition } from "./kubernetes/kubernetesDefinition";

export type TargetRegistry = Readonly<Record<string, TargetDefinition<any, any>>>;

export const TARGETS: TargetRegistry = {
    docker: dockerDefinition,
    kubernetes: kubernetesDefinition,
};

/** The target a stack runs on when its file names none. */
export const DEFAULT_TARGET = "docker";
