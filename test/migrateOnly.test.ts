import * as pulumi from "@pulumi/pulumi";
import { appContainersGlob, appGlobCollisions, migrateOnlyArgs, migrateOnlyCommands } from "../components/migrateOnly";
import { ServiceWithMigrations } from "../components/serviceWithMigrations";
import { validateStack } from "../components/validateStack";
import { evaluate, promiseOf } from "./support/evaluate";
import { ONE_MIGRATION, projectWith, serviceBlock } from "./support/fixtures";
import { urnMatches } from "./support/targets";
import { PROJECT_DIR, rawConfig } from "./support/stackFiles";

describe("migrate-only", () => {
    it("matches the app containers exactly as the program registers them, and nothing else", async () => {
        const containers: pulumi.Resource[] = [];
        await evaluate(
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
        const urns = await Promise.all(containers.map((c) => promiseOf(c.urn)));
        const glob = appContainersGlob("library", "prod", "catalog");
        expect(urns.filter((u) => urnMatches(glob, u)).map((u) => u.split("::").pop()).sort()).toEqual(["catalog-app-1", "catalog-app-2", "catalog-app-3"]);
        expect(urns.filter((u) => !urnMatches(glob, u)).map((u) => u.split("::").pop()).sort()).toEqual(["catalog-db", "catalog-flyway"]);
    });

    it("excludes each service's app containers with one glob, whatever its replica count", () => {
        expect(migrateOnlyArgs("library", "prod", ["catalog", "identity"])).toEqual([
            "--exclude", "urn:pulumi:prod::library::library:index:ServiceWithMigrations$docker:index/container:Container::catalog-app-*",
            "--exclude", "urn:pulumi:prod::library::library:index:ServiceWithMigrations$docker:index/container:Container::identity-app-*",
        ]);
    });

    it("creates the stack on a fresh backend before it migrates", () => {
        const [select, up] = migrateOnlyCommands("library", "acme/library/prod", ["catalog"], ["--yes", "--refresh"]);
        expect(select).toEqual(["stack", "select", "--create", "acme/library/prod"]);
        expect(up.slice(0, 5)).toEqual(["up", "--stack", "acme/library/prod", "--yes", "--refresh"]);
        expect(up.slice(5)).toEqual(["--exclude", appContainersGlob("library", "prod", "catalog")]);
    });

    it("refuses service names another service's glob would catch", () => {
        expect(appGlobCollisions("library", ["catalog", "catalog-app", "catalog-apparel", "catalog-app-v2", "identity"])).toEqual([
            expect.stringMatching(/^library:services\.catalog-app: starts with 'catalog-app', so migrate-only would take its database/),
            expect.stringMatching(/^library:services\.catalog-app-v2: starts with 'catalog-app'/),
        ]);
        const dir = projectWith({ catalog: ONE_MIGRATION, "catalog-app": ONE_MIGRATION });
        expect(() => validateStack({ services: { catalog: serviceBlock(), "catalog-app": serviceBlock() } }, dir)).toThrow("library:services.catalog-app: starts with 'catalog-app'");
    });
});
