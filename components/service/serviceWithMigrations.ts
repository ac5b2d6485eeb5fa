/**
 * The component: a service with its own PostgreSQL, one one-shot migration run, and apps that start only once that
 * run applied. It checks its arguments, works out the plan, and hands the plan to its target (see target.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import { APP_ROLE_CALLBACK_FILE } from "../flyway/appRole";
import { MigrationSet, readMigrationFolder } from "../flyway/migrationFiles";
import { afterAppsGate } from "./afterAppsGate";
import { checkServiceArguments, ServiceWithMigrationsArgs } from "./arguments";
import { describeOutcome, MigrationOutcome } from "./outcome";
import { planService } from "./plan";
import { count, InvalidInputError } from "./problems";
import { checkSdkVersion } from "./sdkVersion";

/** The component's type token; part of every child's URN. */
export const SERVICE_WITH_MIGRATIONS_TYPE = "library:index:ServiceWithMigrations";

/** Thrown by the component before it registers anything, with every problem of its arguments. */
export class InvalidServiceArgumentsError extends InvalidInputError {
    constructor(service: string, problems: readonly string[]) {
        super(
            `ServiceWithMigrations '${service}' has ${count(problems.length, "problem")} in its arguments; nothing was registered`,
            problems,
        );
        this.name = "InvalidServiceArgumentsError";
    }
}

/**
 * A service with its own PostgreSQL, one one-shot Flyway run that migrates it, and app instances that are created
 * or changed only after that run applied.
 */
export class ServiceWithMigrations extends pulumi.ComponentResource {
    /** Where the apps and Flyway reach the database on the target's network. */
    public readonly databaseAlias: string;
    /** Flyway's result: `applied 3 migrations, now at version 3`, `up to date at version 3`, or the failure. */
    public readonly migrationSummary: pulumi.Output<string>;
    /** Resolves to the outcome of this service's migration (never rejects); what other services can gate on. */
    public readonly migrationOutcome: pulumi.Output<MigrationOutcome>;
    /** Names of the app containers on the target, once the migration applied. */
    public readonly appContainerNames: pulumi.Output<string[]>;
    /** With pre-migration backups (Docker `backup`): the command that restores a dump. */
    public readonly restoreCommand?: pulumi.Output<string>;

    constructor(name: string, args: ServiceWithMigrationsArgs, opts?: pulumi.ComponentResourceOptions) {
        // Checked before super(): a bad argument must not leave even the component registered.
        checkSdkVersion(name);
        const { parsed, migrations } = checkArgs(name, args);
        super(SERVICE_WITH_MIGRATIONS_TYPE, name, {}, opts);
        const deployed = args.target.deploy(planService(name, args, parsed, migrations, this), this);

        this.databaseAlias = deployed.databaseHost;
        // Every output settles only once the apps' gate has, so that a failed migration is reported against its
        // resource while the program still runs (see afterAppsGate.ts).
        const settled = <T>(value: pulumi.Output<T>) => afterAppsGate(deployed.appsGate, value);
        this.migrationOutcome = settled(deployed.migration);
        this.migrationSummary = this.migrationOutcome.apply(describeOutcome);
        // Derived from the outcome, not from the app resources: a failed service's apps never register, and an
        // output waiting on them would hang the update instead of letting it report the failure.
        this.appContainerNames = this.migrationOutcome.apply((o) => (o.status === "applied" ? deployed.appNames : []));
        this.restoreCommand = deployed.restoreCommand && settled(deployed.restoreCommand);
        this.registerOutputs({
            databaseAlias: this.databaseAlias,
            migrationSummary: this.migrationSummary,
            appContainerNames: this.appContainerNames,
            restoreCommand: this.restoreCommand,
        });
    }
}

/** The component's own check of its arguments; every problem at once, before anything is registered. */
function checkArgs(name: string, args: ServiceWithMigrationsArgs) {
    const folder: { problems: string[]; migrations?: MigrationSet } =
        typeof args.migrations === "string"
            ? readMigrationFolder(name, args.migrations, [APP_ROLE_CALLBACK_FILE])
            : { problems: [], migrations: args.migrations };
    const { problems, parsed } = checkServiceArguments(`ServiceWithMigrations '${name}'`, name, args, folder.migrations);
    const all = [...problems, ...folder.problems];
    if (all.length > 0 || !parsed || !folder.migrations) {
        throw new InvalidServiceArgumentsError(name, all);
    }
    return { parsed, migrations: folder.migrations };
}
