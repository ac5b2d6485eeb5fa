/**
 * Migrate-only's arguments: one exclusion glob per service, the stack created first, and names no glob may catch.
 */
import { validateStack } from "../../components/config/validateStack";
import { appGlobCollisions } from "../../components/config/nameCollisions";
import { migrateOnlyArgs, migrateOnlyCommands } from "../../components/stack/migrateOnly";
import { appContainersGlob } from "../../components/targets/docker/appExcludes";
import { ONE_MIGRATION, projectWith, serviceBlock } from "../support/fixtures";

describe("migrate-only", () => {
    it("excludes each service's app containers with one glob, whatever its replica count", () => {
        expect(migrateOnlyArgs("library", "prod", ["catalog", "identity"])).toEqual([
            "--exclude",
            "urn:pulumi:prod::library::library:index:ServiceWithMigrations$docker:index/container:Container::catalog-app-*",
            "--exclude",
            "urn:pulumi:prod::library::library:index:ServiceWithMigrations$docker:index/container:Container::identity-app-*",
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
        expect(() => validateStack({ services: { catalog: serviceBlock(), "catalog-app": serviceBlock() } }, dir, "library")).toThrow(
            "library:services.catalog-app: starts with 'catalog-app'",
        );
    });
});
