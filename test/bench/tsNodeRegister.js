// Compiles TypeScript on the fly the way the Pulumi CLI's Node host runs a TypeScript program (cmd/run/run.js in
// @pulumi/pulumi): the SDK's vendored ts-node 7.0.1 with the project's typescript. Type checking is left out, so that
// `npm run bench` measures evaluation, not the compiler. Used as `node -r ./test/bench/tsNodeRegister.js`.
const path = require("path");
const sdk = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
require(path.join(sdk, "vendor", "ts-node@7.0.1")).register({
    compiler: require.resolve("typescript"),
    transpileOnly: true,
    project: path.join(__dirname, "..", "..", "tsconfig.json"),
    compilerOptions: { target: "ES2020", module: "commonjs", moduleResolution: "node", sourceMap: "true" },
});
