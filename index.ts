import * as pulumi from "@pulumi/pulumi";
import { deployLibraryStack } from "./components/libraryStack";
import { namespacedConfig } from "./components/stackConfig";
import { validateStack } from "./components/validateStack";

const NAMESPACE = pulumi.getProject();

// Every `library:*` key of the stack, read once (all of them, so that a misspelt key is reported, not ignored).
const raw = namespacedConfig(pulumi.runtime.allConfig(), NAMESPACE);

// Validation throws before anything is registered: bad config never creates or changes a resource.
const settings = validateStack(raw, __dirname, NAMESPACE);
const library = deployLibraryStack(settings, pulumi.getStack());

/** The stack network's name. */
export const network = library.network;
/** Per service: database alias, Flyway's summary, app container names. */
export const services = library.services;
