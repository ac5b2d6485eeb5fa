/**
 * Migrate-only's arguments: one exclusion glob per service, the stack created first, and names no glob may catch.
 */
import { validateStack } from "../../components/config/validateStack";
import { appGlobCollisions } from "../../components/config/nameCollisions";
import { migrateOnlyArgs, migrateOnlyCommands, phaseArgs, phaseCommands } from "../../components/stack/migrateOnly";
import { appContainersGlob } from "../../components/targets/docker/appExcludes";
import { ONE_MIGRATION, projectWith, serviceBlock } from "../support/fixtures";

const CONTAINERS = "urn:pulumi:prod::library::library:index:ServiceWithMigrations$docker:index/container:Container";

describe("migrate-only", () => {
    it("excludes each service's app containers with one glob, whatever its replica count, and its contract phase", () => {
        expect(migrateOnlyArgs("library", "prod", ["catalog", "identity"])).toEqual([
            "--exclude",
            `${CONTAINERS}::catalog-app-*`,
            "--exclude",
            `${CONTAINERS}::identity-app-*`,
            ...["catalog", "identity"].flatMap((service) => [
                "--exclude",
                `${CONTAINERS}::${service}-flyway-contract*`,
                "--exclude",
                `${CONTAINERS}::${service}-backup-contract*`,
            ]),
        ]);
    });

    it("creates the stack on a fresh backend before it migrates", () => {
        const [select, up] = migrateOnlyCommands("library", "acme/library/prod", ["catalog"], ["--yes", "--refresh"]);
        expect(select).toEqual(["stack", "select", "--create", "acme/library/prod"]);
        expect(up.slice(0, 5)).toEqual(["up", "--stack", "acme/library/prod", "--yes", "--refresh"]);
        expect(up.slice(5, 7)).toEqual(["--exclude", appContainersGlob("library", "prod", "catalog")]);
    });
});

describe("the phased commands", () => {
    it("roll out with every contract run excluded", () => {
        expect(phaseArgs("rollout", "library", "prod", ["catalog"])).toEqual([
            "--exclude",
            `${CONTAINERS}::catalog-flyway-contract*`,
            "--exclude",
            `${CONTAINERS}::catalog-backup-contract*`,
        ]);
    });

    it("run the contract phase alone, and only after a preview of everything else found nothing to change", () => {
        const commands = phaseCommands("contract", "library", "acme/library/prod", ["catalog"], ["--yes", "--refresh"]);
        expect(commands).toEqual([
            ["stack", "select", "--create", "acme/library/prod"],
            // The user's flags that a preview takes too, so that it sees what the up will.
            [
                "preview",
                "--stack",
                "acme/library/prod",
                "--expect-no-changes",
                "--refresh",
                ...phaseArgs("rollout", "library", "prod", ["catalog"]),
            ],
            [
                "up",
                "--stack",
                "acme/library/prod",
                "--yes",
                "--refresh",
                "--target",
                `${CONTAINERS}::catalog-flyway-contract*`,
                "--target",
                `${CONTAINERS}::catalog-backup-contract*`,
            ],
        ]);
    });

    it("name the Kubernetes contract phase by its Job and its ConfigMap", () => {
        expect(phaseArgs("contract", "library", "prod", ["catalog"], "kubernetes")).toEqual([
            "--target",
            "urn:pulumi:prod::library::**::catalog-migrate-contract",
            "--target",
            "urn:pulumi:prod::library::**::catalog-contract-migrations-*",
        ]);
    });
});

describe("service names", () => {
    it("refuses service names another service's glob would catch", () => {
        expect(appGlobCollisions("library", ["catalog", "catalog-app", "catalog-apparel", "catalog-app-v2", "identity"])).toEqual([
            expect.stringMatching(/^library:services\.catalog-app: starts with 'catalog-app', so migrate-only would take its database/),
            expect.stringMatching(/^library:services\.catalog-app-v2: starts with 'catalog-app'/),
        ]);
        expect(
            appGlobCollisions("library", [
                "catalog",
                "catalog-flyway-contractor",
                "catalog-contract-migrations-x",
                "catalog-contracts",
                "catalog-contract",
            ]),
        ).toEqual([
            expect.stringMatching(/^library:services\.catalog-flyway-contractor: starts with 'catalog-flyway-contract', so the phased/),
            expect.stringMatching(/^library:services\.catalog-contract-migrations-x: starts with 'catalog-contract-migrations-'/),
            expect.stringMatching(/^library:services\.catalog-contract: starts with 'catalog-contract'/),
        ]);
        const dir = projectWith({ catalog: ONE_MIGRATION, "catalog-app": ONE_MIGRATION });
        expect(() => validateStack({ services: { catalog: serviceBlock(), "catalog-app": serviceBlock() } }, dir, "library")).toThrow(
            "library:services.catalog-app: starts with 'catalog-app'",
        );
    });
});
