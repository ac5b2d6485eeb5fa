/**
 * Four kinds of tests, as jest projects: pure functions (unit), the program under the engine model (program), SQL on
 * a real PostgreSQL with real Flyway (sql), and the repository's own files (repo). Only the sql project starts
 * PostgreSQL and resolves Flyway. Jest runs TypeScript through ts-jest.
 */
const kind = (name, extra = {}) => ({
    displayName: name,
    preset: "ts-jest",
    rootDir: __dirname,
    testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
    // The host process as `hostProcess`: program failures surface as unhandled rejections there (support/evaluate.ts).
    testEnvironment: "<rootDir>/test/support/pulumiEnvironment.js",
    // Validation reads new migrations with PostgreSQL's parser, which loads asynchronously.
    setupFilesAfterEnv: ["<rootDir>/test/support/sqlParser.ts"],
    ...extra,
});

module.exports = {
    projects: [
        kind("unit"),
        kind("program"),
        // One real PostgreSQL and one Flyway classpath for the whole run; each test file makes its own databases.
        kind("sql", { globalSetup: "<rootDir>/test/support/globalSetup.ts", globalTeardown: "<rootDir>/test/support/globalTeardown.ts" }),
        kind("repo"),
    ],
    // The engine model and real PostgreSQL both take a moment on a shared 2-core machine.
    testTimeout: 60_000,
};
