/**
 * The layers of the program, enforced by `npm run lint` (dependency-cruiser):
 *   flyway/ ← service/ ← targets/<name>/ ← targets/registry.ts ← config/ ← stack/ ← index.ts
 * service/ knows no platform; no target imports another; nothing imports upwards; no cycles (type-only imports
 * included); nothing outside test/ imports from it.
 */
const layer = (name, from, forbidden, comment) => ({
    name,
    comment,
    severity: "error",
    from: { path: from },
    to: { path: forbidden },
});

module.exports = {
    forbidden: [
        {
            name: "no-circular",
            comment: "A cycle, type-only imports included: move what both sides need one layer down.",
            severity: "error",
            from: {},
            to: { circular: true },
        },
        layer(
            "flyway-is-the-bottom",
            "^components/flyway/",
            "^components/(service|targets|config|stack)/",
            "Flyway's files know nothing above them.",
        ),
        layer(
            "service-knows-no-platform",
            "^components/service/",
            "^components/(targets|config|stack)/",
            "The component knows no platform.",
        ),
        {
            name: "no-target-imports-another",
            comment: "A target depends on service/ and flyway/, and on the shared definition, never on another target.",
            severity: "error",
            from: { path: "^components/targets/([^/]+)/" },
            to: { path: "^components/targets/", pathNot: ["^components/targets/$1/", "^components/targets/definition\\.ts$"] },
        },
        layer("targets-below-config", "^components/targets/", "^components/(config|stack)/", "Targets know nothing of the stack file."),
        layer(
            "registry-is-the-only-list",
            "^components/targets/[^/]+/",
            "^components/targets/registry\\.ts$",
            "A target does not read the registry.",
        ),
        layer("config-below-stack", "^components/config/", "^components/stack/", "The stack file's checks come before the stack."),
        layer(
            "nothing-imports-tests",
            "^(components|tools)/|^index\\.ts$|^main\\.js$",
            "^test/",
            "Tests use the program, never the other way round.",
        ),
        {
            name: "not-to-unresolvable",
            severity: "error",
            from: {},
            to: { couldNotResolve: true },
        },
    ],
    options: {
        doNotFollow: { path: "node_modules" },
        exclude: { path: "^(node_modules|bin|coverage)/" },
        // Type-only imports are dependencies too: a type-only cycle is still a cycle.
        tsPreCompilationDeps: true,
        tsConfig: { fileName: "tsconfig.json" },
        // Packages' `exports` maps, as Node resolves a require (main.js loads tsx/cjs/api, an exported subpath).
        enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["require", "node", "default"] },
    },
};
