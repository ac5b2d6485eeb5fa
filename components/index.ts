/**
 * The reusable parts, for programs that import them. Importing registers nothing.
 */
export { ServiceWithMigrations, InvalidServiceArgumentsError } from "./service/serviceWithMigrations";
export type { ServiceWithMigrationsArgs, MigrationSource } from "./service/serviceWithMigrations";
export type { ContainerLimits, ServiceArguments } from "./service/arguments";
export type { ServiceTarget, ServiceDeployment, ServiceResources, ArgumentProblem } from "./service/target";
export type { TargetKeys } from "./service/arguments";
export { migrationChain, MigrationChainSpec, RequiredObject } from "./service/migrationChain";
export { madeOf, whenCreated } from "./service/whenCreated";
export { afterInputs, serviceFailure, ServiceFailure } from "./service/inputsGate";
export { resourceError } from "./service/resourceError";
export type { ServicePlan } from "./service/plan";
export type { MigrationOutcome } from "./service/outcome";
export { DockerTarget, DockerTargetArgs } from "./targets/docker/dockerTarget";
export { RemoteImages, RemoteImagesOptions } from "./targets/docker/remoteImages";
export { migrateOnlyArgs, migrateOnlyCommands } from "./stack/migrateOnly";
export { MigrationFile, MigrationSet, readMigrationFolder, flywayApplyOrder } from "./flyway/migrationFiles";
export { KubernetesTarget, KubernetesTargetArgs } from "./targets/kubernetes/kubernetesTarget";
