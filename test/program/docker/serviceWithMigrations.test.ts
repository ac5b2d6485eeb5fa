/**
 * The component on Docker, in the fixture stack: the resources each service gets, their inputs, and gating the apps
 * on the migration's success.
 */
import { Registration } from "../../support/engineModel/engine";
import { CONTAINER } from "../../support/engineModel/providers";
import { evaluate, named, promiseOf } from "../../support/evaluate";
import { deployStack } from "../../support/fixtureStack";

const deployDev = deployStack();
const containerNames = (registrations: Registration[]) =>
    registrations
        .filter((r) => r.type === CONTAINER)
        .map((r) => r.name)
        .sort();
const envOf = (r: Registration): Record<string, string> =>
    Object.fromEntries((r.inputs.envs as string[]).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));

const FAILED_LOG = [
    "Flyway OSS Edition 11.8.0 by Redgate",
    'Migrating schema "public" to version "2 - create copies"',
    "ERROR: Migration V2__create_copies.sql failed",
    'Message    : ERROR: relation "books" does not exist',
].join("\n");

describe("ServiceWithMigrations, resource graph", () => {
    it("gives each service a database, one Flyway container and its replicas, all named after the service", async () => {
        const { registrations, errors } = await evaluate(deployDev);
        expect(errors).toEqual([]);
        expect(containerNames(registrations)).toEqual([
            "catalog-app-1",
            "catalog-app-2",
            "catalog-app-3",
            "catalog-db",
            "catalog-flyway",
            "identity-app-1",
            "identity-app-2",
            "identity-db",
            "identity-flyway",
            "reader-lending-app-1",
            "reader-lending-app-2",
            "reader-lending-db",
            "reader-lending-flyway",
        ]);
        const components = registrations
            .filter((r) => r.type === "library:index:ServiceWithMigrations")
            .map((r) => r.name)
            .sort();
        expect(components).toEqual(["catalog", "identity", "reader-lending"]);
        expect(
            registrations
                .filter((r) => r.type === "docker:index/volume:Volume")
                .map((r) => r.inputs.name)
                .sort(),
        ).toEqual(["dev-catalog-db-data", "dev-identity-db-data", "dev-reader-lending-db-data"]);
    });

    it("runs PostgreSQL with its own database, a generated password, a data volume and a pg_isready healthcheck", async () => {
        const { registrations } = await evaluate(deployDev);
        const db = named(registrations, "reader-lending-db").inputs;
        const env = envOf(named(registrations, "reader-lending-db"));
        expect(env.POSTGRES_DB).toBe("reader_lending");
        expect(env.POSTGRES_USER).toBe("reader_lending_owner");
        expect(env.POSTGRES_PASSWORD).toBe("mock-password-of-reader-lending-db-owner-password");
        expect(db.image).toMatch(/^sha256:/);
        expect(db.volumes).toEqual([{ volumeName: "dev-reader-lending-db-data", containerPath: "/var/lib/postgresql/data" }]);
        expect(db.healthcheck.tests.slice(0, 2)).toEqual(["CMD", "pg_isready"]);
        expect(db.healthcheck.tests).toEqual(
            expect.arrayContaining(["-h", "127.0.0.1", "-U", "reader_lending_owner", "-d", "reader_lending"]),
        );
        // In Go's own duration spelling, which is how the provider reads them back: no perpetual diff.
        expect(db.healthcheck).toMatchObject({ interval: "1s", timeout: "5s", startPeriod: "1m0s" });
        // Not waited for: Flyway starts with it and retries its connection (postgresContainer.ts).
        expect(db.wait).toBe(false);
        expect(db.networksAdvanced).toEqual([{ name: "library-dev", aliases: ["reader-lending-db"] }]);
    });

    it("runs Flyway once, attached, with the service's migrations uploaded as content and naming validation on", async () => {
        const { registrations } = await evaluate(deployDev);
        const flyway = named(registrations, "catalog-flyway");
        expect(flyway.inputs).toMatchObject({ command: ["migrate"], attach: true, logs: true, mustRun: false });
        expect(flyway.inputs.rm).toBeUndefined();
        expect(flyway.inputs.volumes).toBeUndefined();
        expect(flyway.inputs.uploads.map((u: { file: string }) => u.file)).toEqual([
            "/flyway/sql/V1__create_books.sql",
            "/flyway/sql/V2__create_copies.sql",
            "/flyway/sql/V3__add_subtitle.sql",
            "/flyway/sql/afterMigrate__grant_app_role.sql",
        ]);
        expect(flyway.inputs.uploads[1].content).toContain("CREATE TABLE copies");
        expect(envOf(flyway)).toMatchObject({
            FLYWAY_URL: "jdbc:postgresql://catalog-db:5432/catalog",
            FLYWAY_USER: "catalog_owner",
            FLYWAY_PASSWORD: "mock-password-of-catalog-db-owner-password",
            FLYWAY_LOCATIONS: "filesystem:/flyway/sql",
            FLYWAY_VALIDATE_MIGRATION_NAMING: "true",
            FLYWAY_CLEAN_DISABLED: "true",
            FLYWAY_CONNECT_RETRIES: "120",
            FLYWAY_CONNECT_RETRIES_INTERVAL: "1",
            FLYWAY_PLACEHOLDERS_APP_USER: "catalog_app",
            // Read by the JVM whatever the image's launcher: a one-shot JVM that spends less CPU starting.
            JAVA_TOOL_OPTIONS: "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
        });
        // The database container it migrates is one of its inputs: a new database container runs Flyway again.
        const databaseLabel = flyway.inputs.labels.find((l: { label: string }) => l.label === "library.database-container");
        expect(databaseLabel.value).toMatch(/^catalog-db-id-/);
        expect(flyway.propertyDependencies.labels).toContain(named(registrations, "catalog-db").urn);
    });

    it("starts the apps with Flyway off, the app role's datasource, the port and the user's env", async () => {
        const { registrations } = await evaluate(deployDev);
        const app = named(registrations, "identity-app-2");
        expect(envOf(app)).toEqual({
            SPRING_FLYWAY_ENABLED: "false",
            SPRING_DATASOURCE_URL: "jdbc:postgresql://identity-db:5432/identity",
            SPRING_DATASOURCE_USERNAME: "identity_app",
            SPRING_DATASOURCE_PASSWORD: "mock-password-of-identity-db-app-password",
            SERVER_PORT: "8080",
            MANAGEMENT_ENDPOINT_HEALTH_PROBES_ENABLED: "true",
            WHOAMI_PORT_NUMBER: "8080",
            SPRING_PROFILES_ACTIVE: "dev",
        });
        expect(app.inputs.name).toBe("dev-identity-app-2");
        expect(app.inputs.networksAdvanced).toEqual([{ name: "library-dev", aliases: ["identity"] }]);
        expect(app.inputs.ports).toEqual([{ internal: 8080, external: 8082, ip: "127.0.0.1" }]);
    });

    it("pulls each distinct image once and runs containers from the pulled id", async () => {
        const { registrations } = await evaluate(deployDev);
        const images = registrations.filter((r) => r.type === "docker:index/remoteImage:RemoteImage");
        expect(images.map((r) => r.name).sort()).toEqual(["flyway/flyway:11", "postgres:17", "traefik/whoami:v1.11.0"]);
        // Each tag is pulled at the digest its registry serves now (see images behind floating tags, secondRun.test.ts).
        expect(images.every((r) => r.inputs.name.startsWith(`${r.name}@sha256:`))).toBe(true);
        expect(images.every((r) => r.inputs.keepLocally === true)).toBe(true);
        expect(named(registrations, "catalog-app-1").inputs.image).toMatch(/^sha256:/);
    });
});

describe("ServiceWithMigrations, gating on the migration's success", () => {
    it("creates no app container until the Flyway container has exited", async () => {
        let finishFlyway!: () => void;
        const flywayFinishes = new Promise<void>((resolve) => (finishFlyway = resolve));
        let appsBeforeExit: string[] = ["not observed"];
        const { registrations, errors } = await evaluate(deployDev, { flywayFinishes }, async (seen) => {
            // Give every registration that is not gated ample turns to reach the mocks.
            for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
            appsBeforeExit = containerNames(seen).filter((n) => n.includes("-app-"));
            expect(containerNames(seen)).toContain("catalog-flyway");
            finishFlyway();
        });
        expect(appsBeforeExit).toEqual([]);
        expect(errors).toEqual([]);
        expect(containerNames(registrations).filter((n) => n.includes("-app-"))).toHaveLength(7);
    });

    it("gives a failed migration's service no apps, fails with its exit code and Flyway's log, leaves other services alone", async () => {
        const { registrations, errors, result } = await evaluate(deployDev, {
            flywayResults: { catalog: { exitCode: 1, log: FAILED_LOG } },
        });
        const names = containerNames(registrations);
        expect(names.filter((n) => n.startsWith("catalog-app"))).toEqual([]);
        expect(names.filter((n) => n.includes("-app-"))).toEqual([
            "identity-app-1",
            "identity-app-2",
            "reader-lending-app-1",
            "reader-lending-app-2",
        ]);
        expect(errors).toHaveLength(1);
        expect(errors[0].message).toContain("catalog: Flyway migration failed with exit code 1");
        expect(errors[0].message).toContain('ERROR: relation "books" does not exist');
        expect(errors[0].message).toContain(
            "pulumi up --replace 'urn:pulumi:dev::library::library:index:ServiceWithMigrations$docker:index/container:Container::" +
                "catalog-flyway'",
        );
        expect(await promiseOf(result.services.catalog.migration)).toBe("failed with exit code 1");
        // The apps keep their names (whatever of them ran keeps running); this update did not reach them.
        expect(await promiseOf(result.services.catalog.appContainers)).toEqual([
            "dev-catalog-app-1",
            "dev-catalog-app-2",
            "dev-catalog-app-3",
        ]);
        expect(await promiseOf(result.services.catalog.appsUpdated)).toBe(false);
        expect(await promiseOf(result.services.identity.appsUpdated)).toBe(true);
        expect(await promiseOf(result.services.identity.appContainers)).toEqual(["dev-identity-app-1", "dev-identity-app-2"]);
    });

    it("reports Flyway's summary once the migration applied", async () => {
        const { result } = await evaluate(deployDev);
        // The engine model's Flyway log says so.
        expect(await promiseOf(result.services.identity.migration)).toBe("applied 3 migrations, now at version 3");
        expect(result.services.identity.databaseAlias).toBe("identity-db");
    });

    it("previews with the exit code unknown: every app shows as to be created and nothing fails", async () => {
        const { registrations, errors } = await evaluate(deployDev, { preview: true });
        expect(errors).toEqual([]);
        expect(containerNames(registrations).filter((n) => n.includes("-app-"))).toHaveLength(7);
    });

    it("keeps passwords out of the stack outputs", async () => {
        const { result } = await evaluate(deployDev);
        const outputs = await Promise.all(
            Object.values(result.services).flatMap((s) => [promiseOf(s.migration), promiseOf(s.appContainers)]),
        );
        expect(JSON.stringify([outputs, result.services])).not.toContain("mock-password");
    });
});
