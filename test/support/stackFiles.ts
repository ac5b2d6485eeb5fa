import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { namespacedConfig } from "../../components/stackConfig";

export const PROJECT_DIR = path.resolve(__dirname, "..", "..");

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

/** The raw `library:*` values, parsed as index.ts parses them. */
export function rawConfig(stack: string): Record<string, unknown> {
    return namespacedConfig(stackConfig(stack), "library");
}
