/**
 * What the apps are given: the datasource of the least-privilege app role, the port, and Flyway switched off.
 */
import * as pulumi from "@pulumi/pulumi";

/** Variables the stack sets on every app container; a service's own env may not override them. */
export const RESERVED_APP_ENV = [
    "SPRING_FLYWAY_ENABLED",
    "SPRING_DATASOURCE_URL",
    "SPRING_DATASOURCE_USERNAME",
    "SPRING_DATASOURCE_PASSWORD",
    "SERVER_PORT",
];

/** JDBC URL of a service's database, reached at `host`. */
export function jdbcUrl(host: string, database: string, port = 5432): string {
    return `jdbc:postgresql://${host}:${port}/${database}`;
}

export interface AppEnvironmentArgs {
    jdbcUrl: string;
    user: string;
    password: pulumi.Input<string>;
    port: number;
    env: Record<string, pulumi.Input<string>>;
}

/** The apps' environment. Flyway is off in the apps: the one-shot migration is the only thing that migrates. */
export function appEnvironment(args: AppEnvironmentArgs): Record<string, pulumi.Input<string>> {
    return {
        ...args.env,
        SPRING_FLYWAY_ENABLED: "false",
        SPRING_DATASOURCE_URL: args.jdbcUrl,
        SPRING_DATASOURCE_USERNAME: args.user,
        SPRING_DATASOURCE_PASSWORD: args.password,
        SERVER_PORT: String(args.port),
    };
}
