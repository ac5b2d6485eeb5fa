import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { flywayEnvironment, flywayFiles, FLYWAY_SQL_DIR } from "./flywayConfig";
import { MigrationSet } from "./migrationFiles";

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
    const environment = flywayEnvironment({
        jdbcUrl: args.jdbcUrl,
        user: args.owner,
        password: pulumi.output(args.ownerPassword),
        appUser: args.appUser,
        appPassword: pulumi.output(args.appPassword),
    });
    return new docker.Container(
        `${args.name}-flyway`,
        {
            name: `${args.dockerName}-flyway`,
            image: args.image,
            command: ["migrate"],
            envs: Object.keys(environment)
                .sort()
                .map((key) => pulumi.interpolate`${key}=${environment[key]}`),
            uploads: flywayFiles(args.migrations).map((file) => ({ file: `${FLYWAY_SQL_DIR}/${file.name}`, content: file.content })),
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
