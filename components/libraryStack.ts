import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { RemoteImages } from "./remoteImages";
import { upstreamsFirst } from "./serviceOrder";
import { ServiceWithMigrations } from "./serviceWithMigrations";
import { StackSettings } from "./validateStack";

/** What an operator (or another stack, through a StackReference) needs of one service. */
export interface ServiceOutputs {
    databaseAlias: string;
    migration: pulumi.Output<string>;
    appContainers: pulumi.Output<string[]>;
}

/**
 * Wires validated settings into Docker: one network for the stack, each image pulled once, one ServiceWithMigrations
 * per service. Services are independent of each other unless one declares `after`, so their chains run side by side.
 */
export function deployLibraryStack(settings: StackSettings, stack: string): { network: pulumi.Output<string>; services: Record<string, ServiceOutputs> } {
    const network = new docker.Network("network", { name: `library-${stack}` });
    const images = new RemoteImages({ followTags: settings.followImageTags });
    const flywayImage = images.imageId(settings.flywayImage);
    const services: Record<string, ServiceOutputs> = {};
    const components: Record<string, ServiceWithMigrations> = {};
    const byName = new Map(settings.services.map((s) => [s.name, s]));
    // Upstreams first: a service with `after` is handed the components it waits for.
    for (const name of upstreamsFirst(Object.fromEntries(settings.services.map((s) => [s.name, s.after])))) {
        const service = byName.get(name)!;
        const component = new ServiceWithMigrations(service.name, {
            network: network.name,
            appImage: images.imageId(service.image),
            postgresImage: images.imageId(service.postgresImage ?? settings.postgresImage),
            flywayImage,
            migrations: service.migrations,
            replicas: service.replicas,
            port: service.port,
            env: service.env,
            hostPort: service.hostPort,
            databaseHostPort: service.databaseHostPort,
            publishAddress: settings.publishAddress,
            dockerNamePrefix: `${stack}-`,
            after: service.after.map((upstream) => components[upstream]),
            limits: service.limits,
            databaseLimits: service.databaseLimits,
        });
        components[name] = component;
        services[name] = {
            databaseAlias: component.databaseAlias,
            migration: component.migrationSummary,
            appContainers: component.appContainerNames,
        };
    }
    return { network: network.name, services };
}
