/**
 * The library stack: validated settings wired into one ServiceWithMigrations per service on the stack's platform
 * (one Docker host, or a Kubernetes cluster). Services are independent of each other unless one declares `after`, so
 * their chains run side by side.
 */
import * as pulumi from "@pulumi/pulumi";
import type { StackSettings } from "../config/validateStack";
import { upstreamsFirst } from "../service/order";
import { ServiceWithMigrations } from "../service/serviceWithMigrations";
import type { ServiceTarget } from "../service/target";
import { dockerPlatform } from "../targets/docker/dockerPlatform";
import { kubernetesPlatform } from "../targets/kubernetes/kubernetesPlatform";

/** What an operator (or another stack, through a StackReference) needs of one service. */
export interface ServiceOutputs {
    databaseAlias: string;
    migration: pulumi.Output<string>;
    appContainers: pulumi.Output<string[]>;
    /** With pre-migration backups: how to restore one (README, "Restoring a backup"). */
    restoreBackup?: pulumi.Output<string>;
}

export interface LibraryStack {
    /** Docker: the stack network's name. */
    network?: pulumi.Output<string>;
    /** Kubernetes: the stack's namespace. */
    namespace?: pulumi.Output<string>;
    services: Record<string, ServiceOutputs>;
}

interface Platform {
    target: ServiceTarget;
    image(reference: string): pulumi.Input<string>;
}

export function deployLibraryStack(settings: StackSettings, stack: string): LibraryStack {
    const shared: { network?: pulumi.Output<string>; namespace?: pulumi.Output<string> } & Platform =
        settings.target === "kubernetes"
            ? kubernetesPlatform(settings.kubernetes)
            : dockerPlatform({ stack, publishAddress: settings.publishAddress, followImageTags: settings.followImageTags });
    const flywayImage = shared.image(settings.flywayImage);
    const byName = new Map(settings.services.map((s) => [s.name, s]));
    const components: Record<string, ServiceWithMigrations> = {};
    const services: Record<string, ServiceOutputs> = {};
    // Upstreams first: a service with `after` is handed the components it waits for.
    for (const name of upstreamsFirst(Object.fromEntries(settings.services.map((s) => [s.name, s.after])))) {
        // The service's plain settings are the component's arguments (a service block extends them).
        const { name: _, image, postgresImage, after, migrations, ...plain } = byName.get(name)!;
        const component = new ServiceWithMigrations(name, {
            ...plain,
            target: shared.target,
            appImage: shared.image(image),
            postgresImage: shared.image(postgresImage ?? settings.postgresImage),
            flywayImage,
            migrations,
            after: after.map((upstream) => components[upstream]),
        });
        components[name] = component;
        services[name] = {
            databaseAlias: component.databaseAlias,
            migration: component.migrationSummary,
            appContainers: component.appContainerNames,
            ...(component.restoreCommand ? { restoreBackup: component.restoreCommand } : {}),
        };
    }
    return { network: shared.network, namespace: shared.namespace, services };
}
