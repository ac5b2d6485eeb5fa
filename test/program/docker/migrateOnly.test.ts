/**
 * Migrate-only's exclusion glob against the URNs the program really registers.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { DockerTarget } from "../../../components/targets/docker/dockerTarget";
import { appContainersGlob } from "../../../components/targets/docker/appExcludes";
import { ServiceWithMigrations } from "../../../components/service/serviceWithMigrations";
import { urnMatches } from "../../support/engineModel/targets";
import { evaluate, promiseOf } from "../../support/evaluate";
import { FIXTURE_DIR } from "../../support/fixtureStack";

describe("migrate-only", () => {
    it("matches the app containers exactly as the program registers them, and nothing else", async () => {
        const containers: pulumi.Resource[] = [];
        await evaluate(
            () => {
                const keep: pulumi.ResourceTransformation = ({ resource, type }) => {
                    if (type === "docker:index/container:Container") containers.push(resource);
                    return undefined;
                };
                return new ServiceWithMigrations(
                    "catalog",
                    {
                        target: new DockerTarget({ network: "library-prod", namePrefix: "prod-" }),
                        appImage: "img",
                        postgresImage: "pg",
                        flywayImage: "fw",
                        migrations: path.join(FIXTURE_DIR, "migrations", "catalog"),
                        replicas: 3,
                    },
                    { transformations: [keep] },
                );
            },
            { stack: "prod" },
        );
        const urns = await Promise.all(containers.map((c) => promiseOf(c.urn)));
        const glob = appContainersGlob("library", "prod", "catalog");
        expect(
            urns
                .filter((u) => urnMatches(glob, u))
                .map((u) => u.split("::").pop())
                .sort(),
        ).toEqual(["catalog-app-1", "catalog-app-2", "catalog-app-3"]);
        expect(
            urns
                .filter((u) => !urnMatches(glob, u))
                .map((u) => u.split("::").pop())
                .sort(),
        ).toEqual(["catalog-db", "catalog-flyway"]);
    });
});
