/**
 * The component: a service with its own PostgreSQL, one one-shot migration run, and apps that start only once that
 * run applied. It checks its arguments, works out the plan, and hands the plan to its target (see target.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import { APP_ROLE_CALLBACK_FILE } from "../flyway/appRole";
import { MigrationSet, readMigrationFolder } from "../flyway/migrationFiles";
import { afterAppsGate } from "./afterAppsGate";
import { ServiceArguments, ServiceArgumentsInput, serviceArgumentsSchema, serviceRuleProblems } from "./arguments";
import { describeContract } from "./contractPhase";
import { describeOutcome, MigrationOutcome } from "./outcome";
import { planService } from "./plan";
import { count, describeIssues, InvalidInputError } from "./problems";
import { checkSdkVersion } from "./sdkVersion";
import type { KeysOf, ServiceTarget } from "./target";
import { whenCreated } from "./whenCreated";

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

/** What another service waits on with `after`: a ServiceWithMigrations is one. */
export interface MigrationSource {
    readonly migrationOutcome: pulumi.Output<MigrationOutcome>;
}

/** What the component takes besides the plain arguments. */
export interface ServiceInputs<T extends ServiceTarget> {
    /** Where the service runs, e.g. a DockerTarget (one Docker host) or a KubernetesTarget. */
    target: T;
    /** Image of the apps; on Docker, a RemoteImages `imageId` keeps previews free of spurious diffs. */
    appImage: pulumi.Input<string>;
    /** PostgreSQL image of the service's database. */
    postgresImage: pulumi.Input<string>;
    /** Flyway image of the one-shot migration. */
    flywayImage: pulumi.Input<string>;
    /** The service's migrations: a folder path, or a set already read with readMigrationFolder. */
    migrations: string | MigrationSet;
    /** Services whose migrations must have applied before this one's starts; if one did not, this one does not run. */
    after?: MigrationSource[];
}

/**
 * Arguments of one service: its inputs, the plain arguments every target reads (service/arguments.ts, with their
 * defaults) and the keys its target adds (DockerTarget: hostPort, rollout, backup, …).
 */
export type ServiceWithMigrationsArgs<T extends ServiceTarget = ServiceTarget> = ServiceInputs<T> & ServiceArgumentsInput<KeysOf<T>>;

/**
 * A service with its own PostgreSQL, one one-shot Flyway run that migrates it, and app instances that are created
 * or changed only after that run applied.
 */
export class ServiceWithMigrations<T extends ServiceTarget = ServiceTarget> extends pulumi.ComponentResource {
    /** Where the apps and Flyway reach the database on the target's network. */
    public readonly databaseAlias: string;
    /** Flyway's result: `applied 3 migrations, now at version 3`, `up to date at version 3`, or the failure. */
    public readonly migrationSummary: pulumi.Output<string>;
    /** Resolves to the outcome of this service's migration (never rejects); what other services can gate on. */
    public readonly migrationOutcome: pulumi.Output<MigrationOutcome>;
    /**
     * Names of what runs the apps on the target (containers, or a Deployment). The same whether or not this update
     * reached them: after a migration that failed or did not run, the apps left as they were keep serving under these
     * names (if a previous update created them); `appsUpdated` says which.
     */
    public readonly appNames: pulumi.Output<string[]>;
    /**
     * Whether this update brought the apps to its configuration: false when its migration failed or did not run, or
     * an app could not be created (a rollout that stopped, an image that could not be pulled).
     */
    public readonly appsUpdated: pulumi.Output<boolean>;
    /** @deprecated The same as appNames, which fits every target; kept for programs written against it. */
    public readonly appContainerNames: pulumi.Output<string[]>;
    /** What runs the database, when the target runs one (a container, a CloudNativePG Cluster). */
    public readonly database?: pulumi.CustomResource;
    /** The one-shot migration run (a Flyway container, a Job). */
    public readonly migrationRun: pulumi.CustomResource;
    /** What runs the apps (containers in replica order, or a Deployment); registered once the migration applied. */
    public readonly apps: pulumi.CustomResource[];
    /** With pre-migration backups (Docker `backup`): the command that restores a dump. */
    public readonly restoreCommand?: pulumi.Output<string>;
    /**
     * What the contract phase did in this update (`applied 1 migration, now at version 2`, `up to date at version 2`, a
     * failure, or `no contract migrations`). It runs after every replica runs the new release.
     */
    public readonly contractSummary: pulumi.Output<string>;
    /** The contract phase's run (a Flyway container, a Job), when the service has contract migrations. */
    public readonly contractRun?: pulumi.CustomResource;

    constructor(name: string, args: ServiceWithMigrationsArgs<T>, opts?: pulumi.ComponentResourceOptions) {
        // Checked before super(): a bad argument must not leave even the component registered.
        checkSdkVersion(name);
        const { parsed, migrations } = checkArgs(name, args);
        super(SERVICE_WITH_MIGRATIONS_TYPE, name, {}, opts);
        const plan = planService(
            name,
            parsed,
            {
                appImage: args.appImage,
                postgresImage: args.postgresImage,
                flywayImage: args.flywayImage,
                migrations,
                upstreams: (args.after ?? []).map((upstream) => upstream.migrationOutcome),
            },
            this,
        );
        const deployed = args.target.deploy(plan, this);

        this.databaseAlias = deployed.databaseHost;
        this.database = deployed.resources.database;
        this.migrationRun = deployed.resources.migration;
        this.apps = deployed.resources.apps;
        // Every output settles only once the apps' gate has, so that a failed migration is reported against its
        // resource while the program still runs (see afterAppsGate.ts).
        const settled = <V>(value: pulumi.Output<V>) => afterAppsGate(deployed.appsGate, value);
        this.migrationOutcome = settled(deployed.migration);
        this.migrationSummary = this.migrationOutcome.apply(describeOutcome);
        // Not read from the app resources: a failed service's apps never register, and an output waiting on them would
        // hang the update instead of letting it report the failure.
        this.appNames = settled(pulumi.output(deployed.appNames));
        // Whether every app was created, read eagerly (a rejection left unread until later is reported as unhandled),
        // and settled only once the rejections the apps caused were reported (afterAppsGate.ts).
        const appsCreated = deployed.appsCreated ?? pulumi.all(this.apps.map((app) => whenCreated(app)));
        const allCreated = afterAppsGate(
            appsCreated,
            pulumi.recover(
                appsCreated.apply(() => true),
                () => false,
            ),
        );
        // Waited for in a preview, where the apps always register (even while the outcome is unknown: a failure of
        // theirs must be reported before the outputs settle), and after a migration that applied; not after one that
        // did not: the apps never register then, and on SDKs before 3.257 the URN of a resource that never registered
        // never settles (service/whenCreated.ts).
        this.appsUpdated = pulumi.runtime.isDryRun()
            ? afterAppsGate(
                  appsCreated,
                  this.migrationOutcome.apply((o) => o.status === "applied"),
              )
            : (this.migrationOutcome.apply((o): pulumi.Output<boolean> | boolean =>
                  o.status === "applied" ? allCreated : false,
              ) as pulumi.Output<boolean>);
        this.appContainerNames = this.appNames;
        this.restoreCommand = deployed.restoreCommand && settled(deployed.restoreCommand);
        this.contractRun = deployed.contract?.run;
        // Settled after the contract run, whose failure is said as it ends (service/contractPhase.ts): the program must
        // still be running then, which this output, registered below, keeps it.
        const contractOutcome = deployed.contract?.outcome;
        this.contractSummary = contractOutcome
            ? afterAppsGate(contractOutcome, contractOutcome.apply(describeContract))
            : pulumi.output(describeContract(undefined));
        this.registerOutputs({
            databaseAlias: this.databaseAlias,
            migrationSummary: this.migrationSummary,
            appNames: this.appNames,
            appsUpdated: this.appsUpdated,
            restoreCommand: this.restoreCommand,
            contractSummary: this.contractSummary,
        });
    }
}

/** The inputs that are not plain arguments. */
const INPUT_KEYS = ["target", "appImage", "postgresImage", "flywayImage", "migrations", "after"] as const;

/** The component's own check of its arguments; every problem at once, before anything is registered. */
function checkArgs<T extends ServiceTarget>(name: string, args: ServiceWithMigrationsArgs<T>) {
    const where = `ServiceWithMigrations '${name}'`;
    const folder: { problems: string[]; migrations?: MigrationSet } =
        typeof args.migrations === "string"
            ? readMigrationFolder(name, args.migrations, [APP_ROLE_CALLBACK_FILE])
            : { problems: [], migrations: args.migrations };
    const plain = Object.fromEntries(Object.entries(args).filter(([key]) => !(INPUT_KEYS as readonly string[]).includes(key)));
    const schema = serviceArgumentsSchema(args.target.serviceKeys).strict();
    const result = schema.safeParse(plain, { reportInput: true });
    const at = (path: readonly PropertyKey[]) => [where, ...path.map(String)].join(".");
    const problems: string[] = [];
    if (!result.success) {
        problems.push(...describeIssues(result.error.issues, schema, at), ...serviceRuleProblems(where, name, { env: {} }));
    } else {
        const parsed = result.data as ServiceArguments<KeysOf<T>>;
        problems.push(...serviceRuleProblems(where, name, parsed));
        if (folder.migrations) {
            const targetProblems = args.target.argumentProblems(parsed, folder.migrations);
            problems.push(...targetProblems.map((p) => `${at(p.key.split("."))}: ${p.message}`));
        }
    }
    problems.push(...folder.problems);
    if (problems.length > 0 || !result.success || !folder.migrations) {
        throw new InvalidServiceArgumentsError(name, problems);
    }
    return { parsed: result.data as ServiceArguments<KeysOf<T>>, migrations: folder.migrations };
}
