/**
 * The stack configuration's namespace. Pulumi keys a project's own configuration by the project's name
 * (`library:services` in project `library`), so the namespace is whatever Pulumi.yaml names the project: renaming the
 * project renames the keys, and everything that reads them asks here.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

/** The name in `projectDir`'s Pulumi.yaml. */
export function configNamespace(projectDir: string): string {
    const file = path.join(projectDir, "Pulumi.yaml");
    const name = (parse(fs.readFileSync(file, "utf8")) as { name?: unknown } | null)?.name;
    if (typeof name !== "string" || name === "") {
        throw new Error(`${file}: has no project name; Pulumi needs one, e.g. name: library`);
    }
    return name;
}
