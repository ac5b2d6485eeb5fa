import * as pulumi from "@pulumi/pulumi";

/** Variables the stack sets on every app container; a service's own env may not override them. */
export const RESERVED_APP_ENV = [
    "SPRING_FLYWAY_ENABLED",
    "SPRING_DATASOURCE_URL",
    "SPRING_DATASOURCE_USERNAME",
    "SPRING_DATASOURCE_PASSWORD",
    "SERVER_PORT",
];

/** JDBC URL of a service's database as seen from the stack network. */
export function jdbcUrl(databaseAlias: string, database: string): string {
    return `jdbc:postgresql://${databaseAlias}:5432/${database}`;
}

export interface AppEnvironmentArgs {
    jdbcUrl: string;
    user: string;
    password: pulumi.Input<string>;
    port: number;
    env: Record<string, pulumi.Input<string>>;
}

/**
 * The app containers' environment as Docker's `KEY=value` list. Flyway is off in the apps: the one-shot Flyway
 * container is the only thing that migrates. Sorted by key so the registered input is the same on every run.
 */
export function appEnvironment(args: AppEnvironmentArgs): pulumi.Output<string>[] {
    const all: Record<string, pulumi.Input<string>> = {
        ...args.env,
        SPRING_FLYWAY_ENABLED: "false",
        SPRING_DATASOURCE_URL: args.jdbcUrl,
        SPRING_DATASOURCE_USERNAME: args.user,
        SPRING_DATASOURCE_PASSWORD: args.password,
        SERVER_PORT: String(args.port),
    };
    return Object.keys(all)
        .sort()
        .map((key) => pulumi.interpolate`${key}=${all[key]}`);
}
