/**
 * A service, worked out without any platform: its names, its credentials, what the apps and Flyway are given, its
 * migration files, and what it waits for. Targets turn a plan into resources.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { flywayEnvironment, flywayFiles } from "../flyway/config";
import type { MigrationPhase, MigrationSet } from "../flyway/migrationFiles";
import { appEnvironment } from "./appEnvironment";
import type { ServiceArguments, TargetKeys } from "./arguments";
import { DatabaseNames, databaseNames } from "./names";
import { MigrationOutcome, notApplied, Upstream } from "./outcome";
import { reportedByEngine } from "./reportedByEngine";

/** The owner's name (when not the plan's own) and both passwords, as a target hands them to Flyway. */
export interface FlywaySecrets<Secret> {
    user?: string | Secret;
    password: Secret;
    appPassword: Secret;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ServicePlan<Keys extends TargetKeys = {}> {
    /** The service's name; every resource of the service is named after it. */
    name: string;
    names: DatabaseNames;
    /** The owner's password (a @pulumi/random secret): the database's superuser, used by Flyway only. */
    ownerPassword: pulumi.Output<string>;
    /** The app role's password (a @pulumi/random secret). */
    appPassword: pulumi.Output<string>;
    /** The validated plain arguments (the shared ones and the target's), defaults applied. */
    args: ServiceArguments<Keys>;
    appImage: pulumi.Input<string>;
    postgresImage: pulumi.Input<string>;
    flywayImage: pulumi.Input<string>;
    migrations: MigrationSet;
    /** The files of Flyway's SQL location: the migrations and the generated app-role callback. */
    flywayFiles: { name: string; content: string }[];
    /**
     * The contract phase's files (its migrations and the app-role callback), when the service has a contract phase: a
     * second Flyway run, after every replica of the new release is serving (see flyway/migrationFiles.ts).
     */
    contractFiles?: { name: string; content: string }[];
    /** Upstream services (`after`) whose migrations did not apply; empty once all did. Never rejects. */
    upstreams: pulumi.Output<Upstream[]>;
    /**
     * Every FLYWAY_* variable, for a database reached at `jdbcUrl`. Secrets are whatever the target hands over: the
     * values themselves (Docker), or references to where they are kept (Kubernetes Secrets), as are `user` and
     * `jdbcUrl` when the database is given by a Secret.
     */
    flywayEnvironment<Secret>(jdbcUrl: string, secrets: FlywaySecrets<Secret>, phase?: MigrationPhase): Record<string, string | Secret>;
    /** The apps' environment (Flyway off, the app role's datasource, the port, the service's own env). */
    appEnvironment<Secret>(jdbcUrl: string, appPassword: Secret): Record<string, pulumi.Input<string> | Secret>;
}

/** What a plan is made of besides the plain arguments. */
export interface PlanInputs {
    appImage: pulumi.Input<string>;
    postgresImage: pulumi.Input<string>;
    flywayImage: pulumi.Input<string>;
    migrations: MigrationSet;
    /** The migration outcomes of the services this one waits for (`after`). */
    upstreams: pulumi.Output<MigrationOutcome>[];
}

/** Works out `name`'s plan; the passwords are created as children of `parent`. */
export function planService<Keys extends TargetKeys>(
    name: string,
    parsed: ServiceArguments<Keys>,
    inputs: PlanInputs,
    parent: pulumi.Resource,
): ServicePlan<Keys> {
    const { migrations } = inputs;
    const names = databaseNames(name);
    // No special characters: the passwords travel through env variables and a SQL literal in the callback.
    const password = (of: string) =>
        reportedByEngine(new random.RandomPassword(`${name}-db-${of}-password`, { length: 32, special: false }, { parent })).result;
    const ownerPassword = password("owner");
    const appPassword = password("app");
    return {
        name,
        names,
        ownerPassword,
        appPassword,
        args: parsed,
        appImage: inputs.appImage,
        postgresImage: inputs.postgresImage,
        flywayImage: inputs.flywayImage,
        migrations,
        flywayFiles: flywayFiles(migrations),
        contractFiles: migrations.contract ? flywayFiles(migrations.contract) : undefined,
        upstreams: pulumi.all(inputs.upstreams).apply(notApplied),
        flywayEnvironment: (jdbcUrl, secrets, phase) =>
            flywayEnvironment(
                {
                    jdbcUrl,
                    user: secrets.user ?? names.owner,
                    password: secrets.password,
                    appUser: names.appUser,
                    appPassword: secrets.appPassword,
                    lockTimeoutSeconds: parsed.migrationLockTimeoutSeconds,
                },
                undefined,
                phase,
            ),
        appEnvironment: (jdbcUrl, password) =>
            appEnvironment({
                jdbcUrl,
                user: names.appUser,
                password,
                port: parsed.port,
                env: parsed.env,
            }),
    };
}
