// Jest's Node environment, plus the host process as `hostProcess`.
//
// A Pulumi program reports an asynchronous failure (a registration whose dependsOn rejected, such as app containers
// behind a failed migration) as an unhandled rejection, which the Pulumi language host logs as the update's error.
// Tests need to see those errors the same way; inside a test, `process` is a sandboxed copy whose listeners never
// fire, so the harness listens on the host process instead (see evaluate.ts).
const { TestEnvironment } = require("jest-environment-node");

class PulumiEnvironment extends TestEnvironment {
    constructor(config, context) {
        super(config, context);
        this.global.hostProcess = process;
    }
}

module.exports = PulumiEnvironment;
