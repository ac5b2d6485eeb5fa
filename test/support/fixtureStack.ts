/**
 * A stack of the program's own shape with literal settings and migrations of its own (test/fixtures/library), for the
 * tests that exercise the program under the engine model: editing Pulumi.dev.yaml or the real migrations never
 * changes what they see.
 */
import * as path from "path";
import { validateStack } from "../../components/config/validateStack";
import { deployLibraryStack } from "../../components/stack/libraryStack";
import type { StepKind } from "./engineModel/engine";

export const FIXTURE_DIR = path.join(__dirname, "..", "fixtures", "library");
export const FIXTURE_NAMESPACE = "library";

export type RawStack = { services: Record<string, Record<string, any>> } & Record<string, unknown>;

/** Three services as the dev stack has them: replicas published on the host, databases on host ports. */
export function fixtureConfig(): RawStack {
    const standIn = { image: "traefik/whoami:v1.11.0", port: 8080, env: { WHOAMI_PORT_NUMBER: "8080", SPRING_PROFILES_ACTIVE: "dev" } };
    return {
        postgresImage: "postgres:17",
        flywayImage: "flyway/flyway:11",
        services: {
            identity: { ...standIn, replicas: 2, hostPort: 8081, databaseHostPort: 15432 },
            catalog: { ...standIn, replicas: 3, hostPort: 8091, databaseHostPort: 15433 },
            "reader-lending": { ...standIn, replicas: 2, hostPort: 8101, databaseHostPort: 15434 },
        },
    };
}

/** The fixture with production-like limits on every container and nothing published but the apps. */
export function productionLikeConfig(): RawStack {
    const raw = fixtureConfig();
    for (const service of Object.values(raw.services)) {
        delete service.databaseHostPort;
        service.limits = { memoryMb: 768, cpus: 1 };
        service.databaseLimits = { memoryMb: 1024, cpus: 1 };
    }
    return raw;
}

/** The fixture's services on Kubernetes: a CloudNativePG database each, the stand-in's health path, limits. */
export function kubernetesConfig(): RawStack {
    const raw = fixtureConfig();
    for (const service of Object.values(raw.services)) {
        delete service.hostPort;
        delete service.databaseHostPort;
        service.health = { livenessPath: "/health", readinessPath: "/health" };
        service.limits = { memoryMb: 512, cpus: 0.5 };
    }
    return { ...raw, target: "kubernetes", postgresImage: "ghcr.io/cloudnative-pg/postgresql:17-standard-trixie" };
}

/** A program that deploys `raw` as index.ts would, from `projectDir`'s migrations. */
export function deployStack(raw: RawStack = fixtureConfig(), stack = "dev", projectDir = FIXTURE_DIR) {
    return () => deployLibraryStack(validateStack(raw, projectDir, FIXTURE_NAMESPACE, stack), stack);
}

/** Every step of a run that is not `same`, by resource name: what `pulumi preview` lists. */
export function changes(steps: Record<string, StepKind>): Record<string, StepKind> {
    return Object.fromEntries(Object.entries(steps).filter(([, kind]) => kind !== "same"));
}
