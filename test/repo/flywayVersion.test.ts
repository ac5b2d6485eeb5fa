/**
 * The Flyway the checks run (tools/flyway/pom.xml) is the Flyway the stacks deploy.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { flywayVersion } from "../../tools/lib/flywayCli";
import { NAMESPACE, PROJECT_DIR } from "../../tools/lib/repository";

describe("the Flyway the checks run", () => {
    it("is the version the production-like stack deploys, and the default image's major", () => {
        const prod = parse(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.prod.yaml"), "utf8")).config[
            `${NAMESPACE}:flywayImage`
        ] as string;
        const version = flywayVersion();
        expect(prod).toBe(`flyway/flyway:${version}`);
        expect(version.split(".")[0]).toBe("11"); // flyway/flyway:11, the default flywayImage
    });
});
