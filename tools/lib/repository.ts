/**
 * This repository's own project: where it is, its stack files, and their configuration as the Pulumi CLI hands it to
 * the program. The commands and the tests read the stacks through here.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { configNamespace } from "../../components/config/namespace";
import { namespacedConfig } from "../../components/config/stackConfig";

export const PROJECT_DIR = path.resolve(__dirname, "..", "..");

/** The project's config namespace (its name in Pulumi.yaml). */
export const NAMESPACE = configNamespace(PROJECT_DIR);

/** Stack names that have a Pulumi.<stack>.yaml in the repository. */
export function stackNames(): string[] {
    return fs
        .readdirSync(PROJECT_DIR)
        .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
        .filter((stack): stack is string => stack !== undefined)
        .sort();
}

/** A stack file's config as the Pulumi CLI hands it to a program: objects as JSON text, scalars as text. */
export function stackConfig(stack: string): Record<string, string> {
    const file = parse(fs.readFileSync(path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`), "utf8")) as { config?: Record<string, unknown> };
    return Object.fromEntries(
        Object.entries(file.config ?? {}).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]),
    );
}

/** The raw `<namespace>:*` values of a stack, parsed as index.ts parses them. */
export function rawConfig(stack: string): Record<string, unknown> {
    return namespacedConfig(stackConfig(stack), NAMESPACE);
}
