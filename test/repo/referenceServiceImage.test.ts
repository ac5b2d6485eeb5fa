/**
 * The reference service's Dockerfile cannot be built here (no Docker); what it depends on is checked instead: the
 * jar it copies is the one the pom builds, the migrations the pom packs exist, and every file it copies from the
 * context gets past its ignore file.
 */
import * as fs from "fs";
import * as path from "path";
import { REFERENCE_SERVICE_DIR } from "../../tools/lib/referenceService";
import { PROJECT_DIR } from "../../tools/lib/repository";

const read = (file: string) => fs.readFileSync(path.join(REFERENCE_SERVICE_DIR, file), "utf8");
const pom = read("pom.xml");
const dockerfile = read("Dockerfile");
const copies = [...dockerfile.matchAll(/^COPY\s+(--from=\S+\s+)?(\S+)\s+\S+$/gm)].map((m) => ({ fromStage: !!m[1], source: m[2] }));

describe("examples/catalog-service/Dockerfile", () => {
    it("copies the jar the pom builds", () => {
        const finalName = /<finalName>([^<]+)<\/finalName>/.exec(pom)?.[1];
        expect(copies.filter((c) => c.fromStage).map((c) => c.source)).toEqual([`/src/examples/catalog-service/target/${finalName}.jar`]);
    });

    it("packs migrations the repository has, and copies them into the build", () => {
        const resource = /<directory>\$\{project\.basedir\}\/([^<]+)<\/directory>\s*<targetPath>db\/migration<\/targetPath>/.exec(pom)?.[1];
        const migrations = path.relative(PROJECT_DIR, path.resolve(REFERENCE_SERVICE_DIR, resource!));
        expect(fs.readdirSync(path.join(PROJECT_DIR, migrations)).some((f) => /^V\d+__.+\.sql$/.test(f))).toBe(true);
        expect(copies.map((c) => c.source)).toContain(migrations);
    });

    it("lets every file it copies from the context past Dockerfile.dockerignore", () => {
        const allowed = read("Dockerfile.dockerignore")
            .split("\n")
            .filter((line) => line.startsWith("!"))
            .map((line) => line.slice(1));
        for (const { source } of copies.filter((c) => !c.fromStage)) {
            expect({ source, allowed: allowed.some((a) => source === a || source.startsWith(`${a}/`)) }).toEqual({ source, allowed: true });
        }
    });
});
