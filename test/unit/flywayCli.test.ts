/**
 * Running real Flyway needs Java and Maven; without them the checks stop and say what to install.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { checkJava, checkMaven, javaMajor, MissingToolError } from "../../tools/lib/flywayCli";

describe("the Flyway the checks run", () => {
    it("reads Java's version as `java -version` prints it", () => {
        expect(javaMajor('openjdk version "17.0.15" 2025-04-15')).toBe(17);
        expect(javaMajor('openjdk version "21" 2023-09-19')).toBe(21);
        expect(javaMajor('java version "1.8.0_392"')).toBe(8);
        expect(javaMajor("nothing")).toBeUndefined();
    });

    it("stops with what to install when Java is missing or too old, instead of skipping", () => {
        expect(() => checkJava("11.20.3", "/nonexistent/java")).toThrow(MissingToolError);
        expect(() => checkJava("11.20.3", "/nonexistent/java")).toThrow(
            /^java was not found\. Flyway 11\.20\.3 runs on Java 17 or later: install a JDK or JRE/,
        );
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "library-old-java-"));
        fs.writeFileSync(path.join(dir, "java"), `#!/bin/sh\necho 'java version "1.8.0_392"' >&2\n`, { mode: 0o755 });
        expect(() => checkJava("11.20.3", path.join(dir, "java"))).toThrow(
            /^java is version 8 \(java version "1\.8\.0_392"\)\. Flyway 11\.20\.3 runs on Java 17 or later/,
        );
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("stops with what to install when Maven is missing", () => {
        expect(() => checkMaven("11.20.3", "/nonexistent/mvn")).toThrow(
            /^mvn was not found\. Flyway 11\.20\.3 is fetched from Maven Central by Maven \(tools\/flyway\/pom\.xml\), once: install Maven/,
        );
    });
});
