/**
 * The real-engine test (npm run test:real): the program deployed with the real Pulumi CLI and providers on a real
 * Docker engine, step after step on one stack. Apart from `npm test`: it needs a Docker engine and takes minutes.
 */
module.exports = {
    displayName: "real",
    preset: "ts-jest",
    rootDir: __dirname,
    testMatch: ["<rootDir>/test/real/**/*.test.ts"],
    testEnvironment: "node",
    // Each step sets its own timeout; this bounds the rest.
    testTimeout: 10 * 60_000,
    // One stack, one Docker engine: nothing runs beside it.
    maxWorkers: 1,
};
