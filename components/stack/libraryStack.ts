/**
 * The library stack: validated settings wired into one ServiceWithMigrations per service on the stack's platform
 * (its target's definition sets the platform up). Services are independent of each other unless one declares
 * `after`, so their chains run side by side.
 */
import * as pulumi from "@pulumi/pulumi";
import type { StackSettings } from "../config/validateStack";
import { upstreamsFirst } from "../service/order";
import { ServiceWithMigrations } from "../service/serviceWithMigrations";

/** What an operator (or another stack, through a StackReference) needs of one service. */
export interface ServiceOutputs {
    databaseAlias: string;
    migration: pulumi.Output<string>;
    /**
     * What runs the apps: container names in replica order on Docker, the Deployment on Kubernetes; after a failed
     * migration, what was left as it was (appsUpdated false).
     */
    apps: pulumi.Output<string[]>;
    /**
     * Whether this update brought the apps to the configuration: false after a failed or skipped migration, or an app
     * that was not created.
     */
    appsUpdated: pulumi.Output<boolean>;
    /** @deprecated The same as apps, kept for StackReferences that read it. */
    appContainers: pulumi.Output<string[]>;
    /** With pre-migration backups: how to restore one (docs/operations.md, "Restoring a backup"). */
    restoreBackup?: pulumi.Output<string>;
    /** With contract migrations: what the contract phase did in this update (docs/migrations.md, "Contract migrations"). */
    contract?: pulumi.Output<string>;
}

export interface LibraryStack {
    /** The platform's own outputs: Docker's network, Kubernetes' namespace. */
    platform: Record<string, pulumi.Output<unknown>>;
    services: Record<string, ServiceOutputs>;
    /** The components, by service name, for programs that depend on a service's resources. */
    components: Record<string, ServiceWithMigrations>;
}

export function deployLibraryStack(settings: StackSettings, stack: string): LibraryStack {
    const platform = settings.definition.platform(settings.platform, stack);
    const flywayImage = platform.image(settings.flywayImage);
    const byName = new Map(settings.services.map((s) => [s.name, s]));
    const components: Record<string, ServiceWithMigrations> = {};
    const services: Record<string, ServiceOutputs> = {};
    // Upstreams first: a service with `after` is handed the components it waits for.
    for (const name of upstreamsFirst(Object.fromEntries(settings.services.map((s) => [s.name, s.after])))) {
        // The service's plain settings are the component's arguments (a service block extends them).
        const { name: _, image, postgresImage, after, migrations, ...plain } = byName.get(name)!;
        const component = new ServiceWithMigrations(name, {
            ...plain,
            target: platform.target,
            appImage: platform.image(image),
            postgresImage: platform.image(postgresImage ?? settings.postgresImage),
            flywayImage,
            migrations,
            after: after.map((upstream) => components[upstream]),
        });
        components[name] = component;
        services[name] = {
            databaseAlias: component.databaseAlias,
            migration: component.migrationSummary,
            apps: component.appNames,
            appContainers: component.appNames,
            appsUpdated: component.appsUpdated,
            ...(component.restoreCommand ? { restoreBackup: component.restoreCommand } : {}),
            ...(component.contractRun ? { contract: component.contractSummary } : {}),
        };
    }
    return { platform: platform.outputs, services, components };
}
