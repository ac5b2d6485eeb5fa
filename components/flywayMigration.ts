import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { APP_ROLE_CALLBACK_FILE, APP_ROLE_CALLBACK_SQL, APP_ROLE_PLACEHOLDERS } from "./appRole";
import { MigrationSet } from "./migrationFiles";

/** Flyway's SQL location in the official image. */
export const FLYWAY_SQL_DIR = "/flyway/sql";

export interface FlywayMigrationArgs {
    name: string;
    dockerName: string;
    image: pulumi.Input<string>;
    network: pulumi.Input<string>;
    jdbcUrl: string;
    owner: string;
    ownerPassword: pulumi.Input<string>;
    appUser: string;
    appPassword: pulumi.Input<string>;
    migrations: MigrationSet;
    labels: docker.types.input.ContainerLabel[];
    /** What must have finished first: the database, and any gate on other services. */
    dependsOn: pulumi.Input<pulumi.Input<pulumi.Resource>[]>;
}

/**
 * The one-shot Flyway run. `attach` makes creation wait for the container to exit; `mustRun: false` keeps a later
 * refresh or up from "restarting" the exited container; `logs` keeps Flyway's output for the gate's error message.
 * The container is only recreated when its inputs change, i.e. when migrations, images or credentials change, so
 * Flyway runs once per change rather than on every `pulumi up`.
 */
export function createFlywayMigration(args: FlywayMigrationArgs, parent: pulumi.Resource): docker.Container {
    const uploads = [
        ...args.migrations.files.map((file) => ({ file: `${FLYWAY_SQL_DIR}/${file.fileName}`, content: file.content })),
        { file: `${FLYWAY_SQL_DIR}/${APP_ROLE_CALLBACK_FILE}`, content: APP_ROLE_CALLBACK_SQL },
    ];
    return new docker.Container(
        `${args.name}-flyway`,
        {
            name: `${args.dockerName}-flyway`,
            image: args.image,
            command: ["migrate"],
            envs: [
                `FLYWAY_URL=${args.jdbcUrl}`,
                `FLYWAY_USER=${args.owner}`,
                pulumi.interpolate`FLYWAY_PASSWORD=${args.ownerPassword}`,
                `FLYWAY_LOCATIONS=filesystem:${FLYWAY_SQL_DIR}`,
                // The database is healthy before Flyway starts; these retries only bridge a blip, at short intervals.
                "FLYWAY_CONNECT_RETRIES=20",
                "FLYWAY_CONNECT_RETRIES_INTERVAL=2",
                // Off by default in Flyway, which would silently skip a misnamed file.
                "FLYWAY_VALIDATE_MIGRATION_NAMING=true",
                "FLYWAY_CLEAN_DISABLED=true",
                `FLYWAY_PLACEHOLDERS_${APP_ROLE_PLACEHOLDERS.user.toUpperCase()}=${args.appUser}`,
                pulumi.interpolate`FLYWAY_PLACEHOLDERS_${APP_ROLE_PLACEHOLDERS.password.toUpperCase()}=${args.appPassword}`,
            ],
            uploads,
            networksAdvanced: [{ name: args.network }],
            attach: true,
            logs: true,
            mustRun: false,
            // Not `rm`: with attach the daemon would remove the container before the provider reads its exit code.
            labels: args.labels,
        },
        { parent, dependsOn: args.dependsOn, deleteBeforeReplace: true },
    );
}
