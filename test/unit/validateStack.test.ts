/**
 * The stack configuration's validation: every problem at once, each naming its key or file and what would be right.
 */
import * as fs from "fs";
import * as path from "path";
import { readMigrationFolder } from "../../components/flyway/migrationFiles";
import { withNewFiles, writeLock } from "../../components/flyway/lock";
import { InvalidStackConfigError, validateStack } from "../../components/config/validateStack";
import { ONE_MIGRATION, projectWith, serviceBlock } from "../support/fixtures";

/** The problems validateStack reports for `raw`, or [] when it accepts it. */
function problemsOf(raw: Record<string, unknown>, dir = projectWith({ catalog: ONE_MIGRATION, identity: ONE_MIGRATION })): string[] {
    try {
        validateStack(raw, dir, "library");
        return [];
    } catch (e) {
        expect(e).toBeInstanceOf(InvalidStackConfigError);
        return [...(e as InvalidStackConfigError).problems];
    }
}

const withCatalog = (overrides: Record<string, unknown>) => ({ services: { catalog: serviceBlock(overrides) } });

describe("validateStack accepts", () => {
    it("a minimal service and fills in the defaults", () => {
        const settings = validateStack(
            { services: { catalog: { image: "ghcr.io/acme/catalog:1.0.0" } } },
            projectWith({ catalog: ONE_MIGRATION }),
            "library",
        );
        expect(settings.postgresImage).toBe("postgres:17");
        expect(settings.flywayImage).toBe("flyway/flyway:11");
        expect(settings.services).toMatchObject([{ name: "catalog", replicas: 1, port: 8080, env: {} }]);
        expect(settings.services[0].migrations.files.map((f) => f.fileName)).toEqual(["V1__create_things.sql"]);
    });

    it("replicas: 0 and digests", () => {
        expect(problemsOf(withCatalog({ replicas: 0, image: `ghcr.io/acme/catalog@sha256:${"a".repeat(64)}` }))).toEqual([]);
    });
});

describe("validateStack rejects, naming the key and what would be right", () => {
    it.each([
        [
            "an unknown top-level key, with a suggestion",
            { services: { catalog: serviceBlock() }, postgressImage: "postgres:17" },
            "library:postgressImage: unknown key; did you mean 'postgresImage'?",
        ],
        [
            "an unknown service key, with a suggestion",
            withCatalog({ replica: 2 }),
            "library:services.catalog.replica: unknown key; did you mean 'replicas'?",
        ],
        [
            "an unknown service key far from any",
            withCatalog({ colour: "blue" }),
            "library:services.catalog.colour: unknown key; allowed keys are image, replicas, port, env, hostPort, databaseHostPort",
        ],
        [
            "negative replicas",
            withCatalog({ replicas: -1 }),
            "library:services.catalog.replicas: must be a whole number from 0 to 100, got number -1",
        ],
        [
            "fractional replicas",
            withCatalog({ replicas: 1.5 }),
            "library:services.catalog.replicas: must be a whole number from 0 to 100, got number 1.5",
        ],
        [
            "replicas as text",
            withCatalog({ replicas: "3" }),
            "library:services.catalog.replicas: must be a whole number from 0 to 100, got '3'",
        ],
        [
            "too many replicas",
            withCatalog({ replicas: 101 }),
            "library:services.catalog.replicas: must be a whole number from 0 to 100, got number 101",
        ],
        ["port 0", withCatalog({ port: 0 }), "library:services.catalog.port: must be a whole number from 1 to 65535, got number 0"],
        [
            "port above 65535",
            withCatalog({ port: 70000 }),
            "library:services.catalog.port: must be a whole number from 1 to 65535, got number 70000",
        ],
        [
            "a missing image",
            { services: { catalog: { replicas: 1 } } },
            "library:services.catalog.image: is required; set it to an image reference such as ghcr.io/acme/catalog:1.4.2",
        ],
        [
            "an image that is not text",
            withCatalog({ image: 17 }),
            "library:services.catalog.image: must be an image reference such as ghcr.io/acme/catalog:1.4.2, got number 17",
        ],
        [
            "an env value that is not text",
            withCatalog({ env: { JAVA_OPTS: "-Xmx512m", MAX_POOL: 10 } }),
            'library:services.catalog.env.MAX_POOL: must be text, got number 10; quote it in YAML, e.g. "10"',
        ],
        [
            "env that is not a map",
            withCatalog({ env: ["A=1"] }),
            "library:services.catalog.env: must be a map from variable name to text, got a list",
        ],
        [
            "a service that is not a map",
            { services: { catalog: "ghcr.io/acme/catalog:1" } },
            "library:services.catalog: must be a map with at least an image",
        ],
        [
            "services that are not a map",
            { services: ["catalog"] },
            "library:services: must be a map from service name to { image, replicas, port, env }, got a list",
        ],
        ["no services key", {}, "library:services: is required"],
    ])("%s", (_, raw, expected) => {
        expect(problemsOf(raw as Record<string, unknown>).join("\n")).toContain(expected);
    });

    it.each([
        ["an upper-case repository", "Postgres:17", "repository names are lower-case"],
        ["no tag (an implicit :latest)", "nginx", "has no tag or digest"],
        ["an empty tag", "ghcr.io/acme/catalog:", "is not a valid image reference"],
        ["a space", "acme/cat alog:1", "is not a valid image reference"],
        ["a short digest", "acme/catalog@sha256:abc", "is not a valid image reference"],
    ])("an image with %s", (_, image, expected) => {
        const problems = problemsOf(withCatalog({ image }));
        expect(problems).toEqual([expect.stringContaining(`library:services.catalog.image: '${image}'`)]);
        expect(problems[0]).toContain(expected);
    });

    it("bad stack-wide images", () => {
        const problems = problemsOf({ services: { catalog: serviceBlock() }, postgresImage: "postgres", flywayImage: "Flyway/flyway:11" });
        expect(problems).toEqual([
            expect.stringContaining("library:postgresImage: 'postgres' has no tag or digest"),
            expect.stringContaining(
                "library:flywayImage: 'Flyway/flyway:11' is not a valid image reference: repository names are lower-case",
            ),
        ]);
    });

    it.each(["Catalog", "1catalog", "cat_alog", "catalog-", "a".repeat(31)])("the service name %s", (name) => {
        const dir = projectWith({ [name]: ONE_MIGRATION });
        expect(problemsOf({ services: { [name]: serviceBlock() } }, dir)).toEqual([
            `library:services.${name}: '${name}' is not a valid service name; use 1 to 30 lower-case letters, digits and '-', starting ` +
                `with a letter, e.g. reader-lending`,
        ]);
    });

    it("bad and reserved env names", () => {
        expect(
            problemsOf(withCatalog({ env: { "1X": "a", "MY-VAR": "b", SPRING_FLYWAY_ENABLED: "true", SPRING_DATASOURCE_URL: "jdbc:x" } })),
        ).toEqual([
            "library:services.catalog.env.1X: not a valid environment variable name; " +
                "use letters, digits and '_', not starting with a digit",
            "library:services.catalog.env.MY-VAR: not a valid environment variable name; use letters, digits and '_', not starting with " +
                "a digit",
            expect.stringMatching(
                /^library:services\.catalog\.env\.SPRING_DATASOURCE_URL: is set by the stack \(.*\); remove it from env$/,
            ),
            expect.stringMatching(/^library:services\.catalog\.env\.SPRING_FLYWAY_ENABLED: is set by the stack/),
        ]);
    });

    it.each([
        [
            "a lower-case spelling Spring binds all the same",
            "spring_datasource_url",
            "jdbc:x",
            "is read by Spring Boot as spring.datasource.url",
        ],
        ["a dotted spelling", "spring.flyway.enabled", "true", "is read by Spring Boot as spring.flyway.enabled"],
        ["another Flyway setting", "SPRING_FLYWAY_URL", "jdbc:x", "is read by Spring Boot as spring.flyway.url"],
        [
            "SPRING_APPLICATION_JSON, which outranks the environment",
            "SPRING_APPLICATION_JSON",
            '{"spring.flyway.enabled":true}',
            "would override",
        ],
        [
            "Flyway switched on through the JVM",
            "JAVA_TOOL_OPTIONS",
            "-Xmx512m -Dspring.flyway.enabled=true",
            "sets spring.flyway.enabled as a JVM",
        ],
        [
            "the datasource through the java launcher",
            "JDK_JAVA_OPTIONS",
            "-Dspring.datasource.url=jdbc:x",
            "sets spring.datasource.url as a JVM",
        ],
    ])("reserved env, %s", (_, name, value, message) => {
        expect(problemsOf(withCatalog({ env: { [name]: value } }))).toEqual([
            expect.stringContaining(`library:services.catalog.env.${name}: ${message}`),
        ]);
    });

    it("leaves JVM options that touch none of the stack's settings alone", () => {
        expect(problemsOf(withCatalog({ env: { JAVA_TOOL_OPTIONS: "-Xmx512m -Dspring.profiles.active=prod" } }))).toEqual([]);
    });

    it("a service whose apps' network alias is another service's database alias", () => {
        const dir = projectWith({ catalog: ONE_MIGRATION, "catalog-db": ONE_MIGRATION });
        expect(problemsOf({ services: { catalog: serviceBlock(), "catalog-db": serviceBlock() } }, dir)).toEqual([
            expect.stringMatching(
                new RegExp(
                    "^library:services\\.catalog-db: the network name 'catalog-db' would be both catalog's \\(its database's alias\\) " +
                        "and catalog-db's \\(its apps' alias\\) on Docker",
                ),
            ),
        ]);
    });

    it("image majors no check here proves, unless the stack accepts them", () => {
        expect(problemsOf({ ...withCatalog({}), postgresImage: "postgres:16", flywayImage: "flyway/flyway:10.22" })).toEqual([
            expect.stringContaining("library:postgresImage: 'postgres:16' is PostgreSQL 16, and every check here proves PostgreSQL 17"),
            expect.stringContaining("library:flywayImage: 'flyway/flyway:10.22' is Flyway 10, and every check here proves Flyway 11"),
        ]);
        expect(problemsOf({ ...withCatalog({ postgresImage: "postgres:16" }), acceptImageMajors: { postgres: [16] } })).toEqual([]);
    });

    it("no services at all", () => {
        expect(problemsOf({ services: {} })).toEqual([
            "library:services: no services configured; add at least one, e.g. catalog: { image: ghcr.io/acme/catalog:1.0.0, replicas: 2 }",
        ]);
    });

    it("a service without a migrations folder", () => {
        const problems = problemsOf({ services: { loans: serviceBlock() } });
        expect(problems).toEqual([
            expect.stringMatching(
                /^service 'loans': migrations folder .*\/loans\/ does not exist; create it with at least one V1__<description>\.sql$/,
            ),
        ]);
    });

    it("host ports claimed twice, and ranges that run past 65535", () => {
        const raw = {
            services: {
                catalog: serviceBlock({ replicas: 3, hostPort: 8080 }),
                identity: serviceBlock({ replicas: 2, hostPort: 8082, databaseHostPort: 8083 }),
            },
        };
        expect(problemsOf(raw)).toEqual([
            "host port 8082 is claimed by library:services.catalog.hostPort (replica 3) and library:services.identity.hostPort (replica " +
                "1); give each a port of its own",
            "host port 8083 is claimed by library:services.identity.hostPort (replica 2) and library:services.identity.databaseHostPort; " +
                "give each a port of its own",
        ]);
        expect(problemsOf(withCatalog({ replicas: 3, hostPort: 65534 }))).toEqual([
            "library:services.catalog.hostPort: 65534 with 3 replicas runs past port 65535; choose a hostPort of at most 65533",
        ]);
    });

    it("collects every problem, from config and migrations folders, into one error", () => {
        const dir = projectWith({ catalog: { "V1__a.sql": "select 1;", "v2__b.sql": "select 2;" } });
        const raw = {
            flywayImage: "flyway",
            services: { catalog: serviceBlock({ replicas: -2 }), identity: serviceBlock({ image: "nginx" }), loans: 7 },
        };
        const problems = problemsOf(raw, dir);
        expect(problems).toEqual([
            expect.stringContaining("library:flywayImage: 'flyway' has no tag or digest"),
            expect.stringContaining("library:services.catalog.replicas: must be a whole number from 0 to 100, got number -2"),
            expect.stringContaining("v2__b.sql: starts with a lower-case prefix"),
            expect.stringContaining("library:services.identity.image: 'nginx' has no tag or digest"),
            expect.stringContaining("service 'identity': migrations folder"),
            expect.stringContaining("library:services.loans: must be a map with at least an image"),
            expect.stringContaining("service 'loans': migrations folder"),
        ]);
        expect(() => validateStack(raw, dir, "library")).toThrow(
            /^The stack configuration has 7 problems; nothing was created or changed:\n {2}- /,
        );
    });
});

describe("validateStack and the migration lock", () => {
    const lockedProject = () => {
        const dir = projectWith({ catalog: { "V1__a.sql": "CREATE TABLE a (id int);\n" } });
        const root = path.join(dir, "migrations");
        writeLock(root, withNewFiles({}, "catalog", readMigrationFolder("catalog", path.join(root, "catalog")).migrations!).lock);
        return dir;
    };

    it("lets a new, not yet locked migration through (that is how one is added)", () => {
        const dir = lockedProject();
        fs.writeFileSync(path.join(dir, "migrations", "catalog", "V2__b.sql"), "CREATE TABLE b (id int);\n");
        expect(problemsOf(withCatalog({}), dir)).toEqual([]);
    });

    it("stops a deploy when a locked migration was edited or removed", () => {
        const dir = lockedProject();
        fs.writeFileSync(path.join(dir, "migrations", "catalog", "V1__a.sql"), "CREATE TABLE a (id bigint);\n");
        expect(problemsOf(withCatalog({}), dir)).toEqual([expect.stringMatching(/catalog\/V1__a\.sql: changed after it was locked/)]);
        fs.renameSync(path.join(dir, "migrations", "catalog", "V1__a.sql"), path.join(dir, "migrations", "catalog", "V1__renamed.sql"));
        expect(problemsOf(withCatalog({}), dir)).toEqual([expect.stringMatching(/catalog\/V1__a\.sql: is locked but missing/)]);
    });

    it("reports a lock file that is not a lock", () => {
        const dir = lockedProject();
        fs.writeFileSync(path.join(dir, "migrations", "flyway.lock.json"), JSON.stringify({ catalog: { "V1__a.sql": "abc" } }));
        expect(problemsOf(withCatalog({}), dir)).toEqual([
            expect.stringContaining("the entry for 'catalog' must map file names to integer checksums"),
        ]);
    });
});
