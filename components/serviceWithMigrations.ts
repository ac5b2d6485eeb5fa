import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { appEnvironment, jdbcUrl } from "./appEnvironment";
import { createAppReplicas, appContainerName } from "./appReplicas";
import { APP_ROLE_CALLBACK_FILE, databaseNames } from "./appRole";
import { createFlywayMigration } from "./flywayMigration";
import { ContainerLimits } from "./containerLimits";
import {
    createProblem, describeOutcome, MigrationOutcome, migrationOutcome, notApplied, NotRun, notRunMessage, previousFailureWarning,
    whenMigrationApplied,
} from "./migrationGate";
import { MigrationSet, readMigrationFolder } from "./migrationFiles";
import { createPostgresDatabase } from "./postgresDatabase";
import { serviceConfigSchema } from "./stackConfig";
import { serviceProblems } from "./serviceRules";
import { InvalidStackConfigError } from "./validateStack";

/** Arguments of one service: its images, its migrations, and how many app containers to run. */
export interface ServiceWithMigrationsArgs {
    /** Name of the Docker network every container of the service joins (e.g. a docker.Network's `name`). */
    network: pulumi.Input<string>;
    /** Image of the app containers; a docker.RemoteImage's `imageId` keeps previews free of spurious diffs. */
    appImage: pulumi.Input<string>;
    /** PostgreSQL image of the service's database. */
    postgresImage: pulumi.Input<string>;
    /** Flyway image of the one-shot migration. */
    flywayImage: pulumi.Input<string>;
    /** The service's migrations: a folder path, or a set already read with readMigrationFolder. */
    migrations: string | MigrationSet;
    /** Number of app containers; 0 keeps the database and migrations without apps. Default 1. */
    replicas?: number;
    /** Port the app listens on inside its container. Default 8080. */
    port?: number;
    /** Extra environment for the app containers (the datasource and SPRING_FLYWAY_ENABLED=false are set for you). */
    env?: Record<string, pulumi.Input<string>>;
    /** Publish replica i on host port hostPort + i - 1. Default: not published. */
    hostPort?: number;
    /** Publish the database on this host port. Default: not published. */
    databaseHostPort?: number;
    /** Host address that published ports listen on. Default 127.0.0.1: this host only. */
    publishAddress?: string;
    /** Prefix of Docker object names, so two stacks can share one Docker host. Default: none. */
    dockerNamePrefix?: string;
    /** Services whose migrations must have applied before this one's starts; if one did not, this one does not run. */
    after?: ServiceWithMigrations[];
    /** Limits of each app container. Default: none. */
    limits?: ContainerLimits;
    /** Limits of the database container. Default: none. */
    databaseLimits?: ContainerLimits;
}

/** Published ports listen on this host only unless a program says otherwise (Docker's own default is every interface). */
export const DEFAULT_PUBLISH_ADDRESS = "127.0.0.1";

/** The component's type token; part of every child's URN. */
export const SERVICE_WITH_MIGRATIONS_TYPE = "library:index:ServiceWithMigrations";

/**
 * A service with its own PostgreSQL, one one-shot Flyway container that migrates it, and app containers that are
 * created only after that container exited with 0.
 */
export class ServiceWithMigrations extends pulumi.ComponentResource {
    /** DNS name of the database on the network. */
    public readonly databaseAlias: string;
    /** Flyway's result: `applied 3 migrations, now at version 3`, `up to date at version 3`, or the failure. */
    public readonly migrationSummary: pulumi.Output<string>;
    /** Resolves to the outcome of this service's migration (never rejects); what other services can gate on. */
    public readonly migrationOutcome: pulumi.Output<MigrationOutcome>;
    /** Docker names of the app containers, once they exist. */
    public readonly appContainerNames: pulumi.Output<string[]>;

    constructor(name: string, args: ServiceWithMigrationsArgs, opts?: pulumi.ComponentResourceOptions) {
        // Checked before super(): a bad argument must not leave even the component registered.
        const migrations = checkArgs(name, args);
        super(SERVICE_WITH_MIGRATIONS_TYPE, name, {}, opts);
        const replicas = args.replicas ?? 1;
        const port = args.port ?? 8080;
        const dockerName = `${args.dockerNamePrefix ?? ""}${name}`;
        const publishAddress = args.publishAddress ?? DEFAULT_PUBLISH_ADDRESS;
        const names = databaseNames(name);
        const databaseAlias = `${name}-db`;
        const labels = (role: string) => [
            { label: "library.service", value: name },
            { label: "library.role", value: role },
        ];

        // No special characters: the passwords travel through a JDBC-style env and a SQL literal in the callback.
        const ownerPassword = new random.RandomPassword(`${name}-db-owner-password`, { length: 32, special: false }, { parent: this });
        const appPassword = new random.RandomPassword(`${name}-db-app-password`, { length: 32, special: false }, { parent: this });

        const database = createPostgresDatabase(
            {
                name, dockerName, image: args.postgresImage, network: args.network, alias: databaseAlias,
                database: names.database, owner: names.owner, ownerPassword: ownerPassword.result,
                hostPort: args.databaseHostPort, publishAddress, labels: labels("database"), limits: args.databaseLimits,
            },
            this,
        );

        // What keeps Flyway from running: upstream services (`after`) whose migrations did not apply, or this service's
        // own database failing to be created. Derived from values that always settle, never from a resource that may
        // not register: an Output waiting on one would never resolve, and the update would hang.
        const upstreams = pulumi.all((args.after ?? []).map((u) => u.migrationOutcome)).apply(notApplied);
        const databaseProblem = createProblem(database, "its database container could not be created");
        const notRun = pulumi.all([upstreams, databaseProblem]).apply(([blockedBy, problem]): NotRun | undefined =>
            blockedBy.length > 0 ? { service: name, status: "blocked", blockedBy } : problem ? { service: name, status: "not-run", reason: problem } : undefined,
        );
        let notRunError: Error | undefined;
        // One error object for the Flyway container and the apps, so that Pulumi reports it once.
        const notRunFailure = (outcome: NotRun) => (notRunError ??= new pulumi.ResourceError(notRunMessage(outcome), this, true));

        const url = jdbcUrl(databaseAlias, names.database);
        const flyway = createFlywayMigration(
            {
                name, dockerName, image: args.flywayImage, network: args.network, jdbcUrl: url,
                owner: names.owner, ownerPassword: ownerPassword.result, appUser: names.appUser, appPassword: appPassword.result,
                migrations, labels: labels("migration"),
                // A preview shows the plan whatever the gates say (see migrationGate.ts); the update stops here.
                dependsOn: notRun.apply((stop): pulumi.Resource[] => {
                    if (stop && !pulumi.runtime.isDryRun()) throw notRunFailure(stop);
                    return [database];
                }),
            },
            this,
        );

        // A Flyway container that never registered has outputs that never resolve: only read them when it ran.
        this.migrationOutcome = notRun.apply((stop): pulumi.Output<MigrationOutcome> => (stop ? pulumi.output<MigrationOutcome>(stop) : migrationOutcome(name, flyway)));
        if (pulumi.runtime.isDryRun()) {
            // Known only when stored by an earlier update (an unchanged Flyway container): say now what the update will do.
            pulumi.all([this.migrationOutcome, flyway.urn]).apply(([outcome, urn]) => {
                if (outcome.status === "failed") pulumi.log.warn(previousFailureWarning(outcome, urn), this);
                if (outcome.status === "blocked" || outcome.status === "not-run") pulumi.log.warn(notRunMessage(outcome), this);
            });
        }
        const apps = createAppReplicas(
            {
                name, dockerName, image: args.appImage, network: args.network, replicas, port, hostPort: args.hostPort, publishAddress,
                envs: appEnvironment({ jdbcUrl: url, user: names.appUser, password: appPassword.result, port, env: args.env ?? {} }),
                labels: labels("app"), limits: args.limits,
                dependsOn: whenMigrationApplied(
                    this.migrationOutcome,
                    flyway,
                    replicas === 1 ? "its app container was" : `its ${replicas} app containers were`,
                    notRunFailure,
                ),
            },
            this,
        );

        this.databaseAlias = databaseAlias;
        this.migrationSummary = this.migrationOutcome.apply(describeOutcome);
        // Derived from the outcome, not from the containers: a failed service's containers never register, and an
        // output waiting on them would hang the update instead of letting it report the failure.
        this.appContainerNames = this.migrationOutcome.apply((o) =>
            o.status === "applied" ? apps.map((_, i) => appContainerName(dockerName, i + 1)) : [],
        );
        this.registerOutputs({
            databaseAlias: this.databaseAlias,
            migrationSummary: this.migrationSummary,
            appContainerNames: this.appContainerNames,
        });
    }
}

/** The component's own check of its plain arguments, with the stack's rules; returns the migrations to upload. */
function checkArgs(name: string, args: ServiceWithMigrationsArgs): MigrationSet {
    const where = `ServiceWithMigrations '${name}'`;
    const shape = serviceConfigSchema.pick({ replicas: true, port: true, hostPort: true, databaseHostPort: true, limits: true, databaseLimits: true });
    const { replicas, port, hostPort, databaseHostPort, limits, databaseLimits } = args;
    const parsed = shape.safeParse({ replicas, port, hostPort, databaseHostPort, limits, databaseLimits });
    const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${where}.${i.path.join(".")}: ${i.message}`);
    problems.push(...serviceProblems(where, name, { replicas: replicas ?? 1, hostPort, envKeys: Object.keys(args.env ?? {}), limits, databaseLimits }));
    const folder = typeof args.migrations === "string" ? readMigrationFolder(name, args.migrations, [APP_ROLE_CALLBACK_FILE]) : { problems: [], migrations: args.migrations };
    problems.push(...folder.problems);
    if (problems.length > 0 || !folder.migrations) {
        throw new InvalidStackConfigError(problems);
    }
    return folder.migrations;
}
