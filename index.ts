import * as pulumi from "@pulumi/pulumi";
import { deployLibraryStack } from "./components/libraryStack";
import { validateStack } from "./components/validateStack";

const NAMESPACE = pulumi.getProject();

// Every `library:*` key of the stack, read once; values that parse as JSON are used parsed, as Config.getObject does.
// Reading all keys (not just the known ones) lets validation reject a misspelt key instead of silently ignoring it.
const raw: Record<string, unknown> = {};
for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (key.startsWith(`${NAMESPACE}:`)) {
        raw[key.slice(NAMESPACE.length + 1)] = parseConfigValue(value);
    }
}

function parseConfigValue(value: string): unknown {
    try {
        return JSON.parse(value);
    } catch {
        return value;
    }
}

// Validation throws before anything is registered: bad config never creates or changes a resource.
const settings = validateStack(raw, __dirname, NAMESPACE);
const library = deployLibraryStack(settings, pulumi.getStack());

/** The stack network's name. */
export const network = library.network;
/** Per service: database alias, Flyway's summary, app container names. */
export const services = library.services;
