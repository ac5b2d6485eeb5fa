// The reusable parts, for programs that import them. Importing registers nothing.
export { ServiceWithMigrations, ServiceWithMigrationsArgs } from "./serviceWithMigrations";
export { ContainerLimits } from "./containerLimits";
export { appContainersGlob, migrateOnlyArgs, migrateOnlyCommands } from "./migrateOnly";
export { RemoteImages } from "./remoteImages";
export { MigrationOutcome } from "./migrationGate";
export { MigrationFile, MigrationSet, readMigrationFolder, flywayApplyOrder } from "./migrationFiles";
export { validateStack, InvalidStackConfigError, StackSettings, ServiceSettings } from "./validateStack";
export { deployLibraryStack, ServiceOutputs } from "./libraryStack";
