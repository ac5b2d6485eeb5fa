/**
 * The library stack's Pulumi program: reads the stack's configuration once, validates all of it, and deploys every
 * service. Bad configuration stops the program before a single resource is registered.
 */
import * as pulumi from "@pulumi/pulumi";
import { configNamespace } from "./components/config/namespace";
import { namespacedConfig } from "./components/config/stackConfig";
import { validateStack } from "./components/config/validateStack";
import { deployLibraryStack } from "./components/stack/libraryStack";
import { withoutPromiseStackTraces } from "./components/stack/shortStackTraces";

const NAMESPACE = configNamespace(__dirname);

// Every `<namespace>:*` key of the stack, read once (all of them, so that a misspelt key is reported, not ignored).
const raw = namespacedConfig(pulumi.runtime.allConfig(), NAMESPACE);

const settings = validateStack(raw, __dirname, NAMESPACE, pulumi.getStack());
// Registration is the SDK's bookkeeping, most of it capturing stack traces nobody reads: see shortStackTraces.ts.
const library = withoutPromiseStackTraces(() => deployLibraryStack(settings, pulumi.getStack()));

/** Docker: the stack network's name. */
export const network = library.network;
/** Kubernetes: the stack's namespace. */
export const namespace = library.namespace;
/** Per service: database alias, Flyway's summary, app container names. */
export const services = library.services;
