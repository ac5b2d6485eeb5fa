/**
 * The library stack: validated settings wired into one ServiceWithMigrations per service on the stack's platform.
 * Services are independent of each other unless one declares `after`, so their chains run side by side.
 */
import * as pulumi from "@pulumi/pulumi";
import type { StackSettings } from "../config/validateStack";
import { upstreamsFirst } from "../service/order";
import { ServiceWithMigrations } from "../service/serviceWithMigrations";
import { dockerPlatform } from "../targets/docker/dockerPlatform";

/** What an operator (or another stack, through a StackReference) needs of one service. */
export interface ServiceOutputs {
    databaseAlias: string;
    migration: pulumi.Output<string>;
    appContainers: pulumi.Output<string[]>;
}

export function deployLibraryStack(
    settings: StackSettings,
    stack: string,
): { network: pulumi.Output<string>; services: Record<string, ServiceOutputs> } {
    const platform = dockerPlatform({ stack, publishAddress: settings.publishAddress, followImageTags: settings.followImageTags });
    const flywayImage = platform.image(settings.flywayImage);
    const byName = new Map(settings.services.map((s) => [s.name, s]));
    const components: Record<string, ServiceWithMigrations> = {};
    const services: Record<string, ServiceOutputs> = {};
    // Upstreams first: a service with `after` is handed the components it waits for.
    for (const name of upstreamsFirst(Object.fromEntries(settings.services.map((s) => [s.name, s.after])))) {
        const service = byName.get(name)!;
        const component = new ServiceWithMigrations(name, {
            target: platform.target,
            appImage: platform.image(service.image),
            postgresImage: platform.image(service.postgresImage ?? settings.postgresImage),
            flywayImage,
            migrations: service.migrations,
            replicas: service.replicas,
            port: service.port,
            env: service.env,
            hostPort: service.hostPort,
            databaseHostPort: service.databaseHostPort,
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
    return { network: platform.network, services };
}
