// Lint rules: ESLint's and typescript-eslint's recommended sets, type-aware where it finds real bugs (promises left
// floating or misused). Formatting is Prettier's job (.prettierrc.json), not the linter's.
const js = require("@eslint/js");
const tseslint = require("typescript-eslint");

module.exports = tseslint.config(
    { ignores: ["node_modules/", "bin/", "coverage/", ".pulumi-state/"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        files: ["**/*.ts"],
        languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: __dirname } },
        rules: {
            "@typescript-eslint/no-floating-promises": "error",
            "@typescript-eslint/no-misused-promises": "error",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_$" }],
            // Mocks, provider state and test inputs are untyped by nature (the engine speaks JSON).
            "@typescript-eslint/no-explicit-any": "off",
            // Prettier wraps code but not long strings or comments: no line that needs scrolling.
            "max-len": ["error", { code: 140, tabWidth: 4, ignoreUrls: true }],
        },
    },
    {
        // jest.isolateModules(() => require(...)) is how a test loads a program afresh.
        files: ["test/**/*.ts"],
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
    {
        files: ["**/*.js"],
        languageOptions: {
            sourceType: "commonjs",
            globals: { require: "readonly", module: "writable", __dirname: "readonly", process: "readonly" },
        },
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
);
