/**
 * What the apps are given: the datasource of the least-privilege app role, the port, Flyway switched off, and the
 * actuator's liveness and readiness groups switched on.
 */
import * as pulumi from "@pulumi/pulumi";

/** Variables the stack sets on every app container; a service's own env may not override them. */
export const RESERVED_APP_ENV = [
    "SPRING_FLYWAY_ENABLED",
    "SPRING_DATASOURCE_URL",
    "SPRING_DATASOURCE_USERNAME",
    "SPRING_DATASOURCE_PASSWORD",
    "SERVER_PORT",
    "MANAGEMENT_ENDPOINT_HEALTH_PROBES_ENABLED",
];

/** The Spring properties the stack sets through RESERVED_APP_ENV, and the ones it owns whole (every key below them). */
const RESERVED_PROPERTIES = ["server.port", "management.endpoint.health.probes.enabled", "spring.application.json"];
const RESERVED_PREFIXES = ["spring.flyway.", "spring.datasource."];

/**
 * The Spring property an environment variable binds to: Spring Boot maps a variable's name by splitting it at '_' (and
 * '.') and lower-casing each part, so `SPRING_DATASOURCE_URL`, `spring_datasource_url` and `spring.datasource.url` all
 * bind to spring.datasource.url (spring-boot SystemEnvironmentPropertyMapper.map, DefaultPropertyMapper).
 */
export function springProperty(name: string): string {
    return name
        .split(/[_.]/)
        .filter((part) => part !== "")
        .map((part) => part.toLowerCase())
        .join(".");
}

function reserved(property: string): boolean {
    return RESERVED_PROPERTIES.includes(property) || RESERVED_PREFIXES.some((prefix) => property.startsWith(prefix));
}

/** Environment variables the JVM reads options from: HotSpot's JAVA_TOOL_OPTIONS and _JAVA_OPTIONS, the launcher's JDK_JAVA_OPTIONS. */
const JVM_OPTION_VARIABLES = ["JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS"];

/**
 * Why a service's own `env` may not hold `name` (with `value`, when it is known), or undefined. It closes every way
 * Spring Boot and the JVM turn a variable into the settings the stack owns (Flyway off, the app role's datasource,
 * the port, the probes): the variable's relaxed spellings; SPRING_APPLICATION_JSON, which Spring ranks above
 * environment variables (SpringApplicationJsonEnvironmentPostProcessor); and JVM options that set them as system
 * properties, which Spring also ranks above environment variables (HotSpot arguments.cpp reads JAVA_TOOL_OPTIONS and
 * _JAVA_OPTIONS, the java launcher JDK_JAVA_OPTIONS).
 */
export function reservedEnvProblem(name: string, value: unknown): string | undefined {
    const property = springProperty(name);
    if (RESERVED_APP_ENV.includes(name)) return `is set by the stack (${RESERVED_APP_ENV.join(", ")}); remove it from env`;
    if (property === "spring.application.json") {
        return (
            "would override the stack's own settings (Spring Boot ranks SPRING_APPLICATION_JSON above environment variables), " +
            "Flyway's switch and the datasource among them; set each property as a variable of its own in env instead"
        );
    }
    if (reserved(property)) {
        return `is read by Spring Boot as ${property}, which the stack sets (${RESERVED_APP_ENV.join(", ")}); remove it from env`;
    }
    if (JVM_OPTION_VARIABLES.includes(name.toUpperCase()) && typeof value === "string") {
        const set = [...value.matchAll(/-D([\w.-]+)/g)].map((m) => m[1].toLowerCase()).find((p) => reserved(springProperty(p)));
        if (set) {
            return (
                `sets ${set} as a JVM system property, which Spring Boot ranks above the stack's environment; remove ` +
                `-D${set} from it (the stack sets it)`
            );
        }
    }
    return undefined;
}

/** JDBC URL of a service's database, reached at `host`. */
export function jdbcUrl(host: string, database: string, port = 5432): string {
    return `jdbc:postgresql://${host}:${port}/${database}`;
}

export interface AppEnvironmentArgs<Secret> {
    jdbcUrl: string;
    user: string;
    /** The app role's password: a value (Docker) or a reference to where it is kept (a Kubernetes Secret). */
    password: Secret;
    port: number;
    env: Record<string, pulumi.Input<string>>;
}

/** The apps' environment. Flyway is off in the apps: the one-shot migration is the only thing that migrates. */
export function appEnvironment<Secret>(args: AppEnvironmentArgs<Secret>): Record<string, pulumi.Input<string> | Secret> {
    return {
        ...args.env,
        SPRING_FLYWAY_ENABLED: "false",
        SPRING_DATASOURCE_URL: args.jdbcUrl,
        SPRING_DATASOURCE_USERNAME: args.user,
        SPRING_DATASOURCE_PASSWORD: args.password,
        SERVER_PORT: String(args.port),
        // /actuator/health/liveness and /readiness, which the healthcheck and the probes ask: Spring Boot 3 serves them
        // on its own only when it detects Kubernetes, so on Docker they would answer 404 (4.0 serves them by default:
        // spring-boot-health's configuration metadata, management.endpoint.health.probes.enabled).
        MANAGEMENT_ENDPOINT_HEALTH_PROBES_ENABLED: "true",
    };
}
