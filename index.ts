/**
 * The library stack's Pulumi program: reads the stack's configuration once, validates all of it (and every new
 * migration, with PostgreSQL's parser), and deploys every service. Bad configuration stops the program before a single
 * resource is registered. The program is an async function (Pulumi runs an exported function and takes its result as
 * the stack's outputs) because the SQL parser loads asynchronously.
 */
import * as pulumi from "@pulumi/pulumi";
import { configNamespace } from "./components/config/namespace";
import { namespacedConfig } from "./components/config/stackConfig";
import { validateStack } from "./components/config/validateStack";
import { loadSqlParser } from "./components/flyway/sqlStatements";
import { deployLibraryStack, ServiceOutputs } from "./components/stack/libraryStack";
import { withoutPromiseStackTraces } from "./components/stack/shortStackTraces";

/** The stack's outputs: the platform's own (Docker's `network`, Kubernetes' `namespace`) and each service's. */
type StackOutputs = { [platformOutput: string]: pulumi.Output<any> } & { services: Record<string, ServiceOutputs> };

// `projectDir`: where Pulumi.yaml and the migrations are, which main.js passes when it runs the compiled build (bin/).
export = async (projectDir: string = __dirname): Promise<StackOutputs> => {
    await loadSqlParser();
    const namespace = configNamespace(projectDir);
    // Every `<namespace>:*` key of the stack, read once (all of them, so that a misspelt key is reported, not ignored).
    const raw = namespacedConfig(pulumi.runtime.allConfig(), namespace);
    const settings = validateStack(raw, projectDir, namespace, pulumi.getStack());
    // Registration is the SDK's bookkeeping, most of it capturing stack traces nobody reads: see shortStackTraces.ts.
    const library = withoutPromiseStackTraces(() => deployLibraryStack(settings, pulumi.getStack()));
    // Spread, the platform's outputs lose their index type; they are Outputs all the same.
    return { ...library.platform, services: library.services } as StackOutputs;
};
