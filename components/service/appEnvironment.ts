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
