import * as pulumi from "@pulumi/pulumi";
import { appContainerUrn, migrateOnlyArgs } from "../components/migrateOnly";
import { ServiceWithMigrations } from "../components/serviceWithMigrations";
import { MAX_REPLICAS } from "../components/stackConfig";
import { validateStack } from "../components/validateStack";
import { evaluate, promiseOf } from "./support/evaluate";
import { PROJECT_DIR, rawConfig } from "./support/stackFiles";

describe("migrate-only", () => {
    it("names the app containers exactly as the program registers them", async () => {
        const containers: pulumi.Resource[] = [];
        const { result } = await evaluate(
            () => {
                const catalog = validateStack(rawConfig("dev"), PROJECT_DIR).services.find((s) => s.name === "catalog")!;
                const keep: pulumi.ResourceTransformation = ({ resource, type }) => {
                    if (type === "docker:index/container:Container") containers.push(resource);
                    return undefined;
                };
                return new ServiceWithMigrations(
                    "catalog",
                    { network: "library-prod", appImage: "img", postgresImage: "pg", flywayImage: "fw", migrations: catalog.migrations, replicas: 3 },
                    { transformations: [keep] },
                );
            },
            { stack: "prod" },
        );
        expect(result).toBeDefined();
        const urns = await Promise.all(containers.map((c) => promiseOf(c.urn)));
        expect(urns.filter((u) => u.includes("-app-")).sort()).toEqual([1, 2, 3].map((i) => appContainerUrn("library", "prod", "catalog", i)));
        // ...and nothing else: the database and Flyway containers are not excluded.
        expect(urns.filter((u) => !u.includes("-app-")).some((u) => [1, 2, 3].some((i) => u === appContainerUrn("library", "prod", "catalog", i)))).toBe(false);
    });

    it("excludes every replica a service could have, so no app container is created, changed or removed", () => {
        const args = migrateOnlyArgs("library", "prod", ["catalog", "identity"]);
        expect(args).toHaveLength(2 * 2 * MAX_REPLICAS);
        expect(args.slice(0, 4)).toEqual([
            "--exclude", "urn:pulumi:prod::library::library:index:ServiceWithMigrations$docker:index/container:Container::catalog-app-1",
            "--exclude", "urn:pulumi:prod::library::library:index:ServiceWithMigrations$docker:index/container:Container::catalog-app-2",
        ]);
        expect(args).toContain(appContainerUrn("library", "prod", "identity", MAX_REPLICAS));
        expect(args.filter((a) => a.endsWith("-flyway") || a.endsWith("-db"))).toEqual([]);
    });
});
