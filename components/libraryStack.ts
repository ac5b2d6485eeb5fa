import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { RemoteImages } from "./remoteImages";
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
 * per service. Services are independent of each other, so their chains run side by side.
 */
export function deployLibraryStack(settings: StackSettings, stack: string): { network: pulumi.Output<string>; services: Record<string, ServiceOutputs> } {
    const network = new docker.Network("network", { name: `library-${stack}` });
    const images = new RemoteImages();
    const flywayImage = images.imageId(settings.flywayImage);
    const services: Record<string, ServiceOutputs> = {};
    for (const service of settings.services) {
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
            dockerNamePrefix: `${stack}-`,
        });
        services[service.name] = {
            databaseAlias: component.databaseAlias,
            migration: component.migrationSummary,
            appContainers: component.appContainerNames,
        };
    }
    return { network: network.name, services };
}
