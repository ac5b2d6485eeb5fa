/**
 * The oldest Pulumi Node SDK the component supports. Before 3.252, a resource whose create fails under
 * `pulumi up --continue-on-error` (the way the pipeline runs) resolves its URN and leaves its outputs unknown instead
 * of rejecting them (runtime/resource.js, `keepUnknowns`; 3.252 rejects, `resultFailed`), so a database or Job that
 * was never created would read as created: on Kubernetes a skipped migration Job would even report "applied". The
 * component is imported into stacks that choose their own SDK, so it checks, before it registers anything.
 */
import { version as installedSdk } from "@pulumi/pulumi/version";
import { InvalidInputError } from "./problems";

export const OLDEST_SUPPORTED_SDK = "3.252.0";

/** Why `version` of @pulumi/pulumi cannot run the component; undefined when it can. */
export function sdkVersionProblem(version: string): string | undefined {
    const installed = release(version);
    const oldest = release(OLDEST_SUPPORTED_SDK)!;
    const firstDifference = installed?.map((part, i) => part - oldest[i]).find((difference) => difference !== 0) ?? 0;
    if (installed && firstDifference >= 0) return undefined;
    return (
        `@pulumi/pulumi ${version} is older than ${OLDEST_SUPPORTED_SDK}, the oldest the component supports: with it a ` +
        `resource that fails to be created under \`--continue-on-error\` reads as created, so a migration that did not run ` +
        `could be reported as applied. Upgrade it: npm install @pulumi/pulumi@^${OLDEST_SUPPORTED_SDK}`
    );
}

/** `[major, minor, patch]` of a version such as `3.252.0` or `3.252.0-alpha.1`. */
function release(version: string): number[] | undefined {
    return /^(\d+)\.(\d+)\.(\d+)/.exec(version)?.slice(1).map(Number);
}

/** Throws, naming the installed version and the fix, when the installed SDK is too old. */
export function checkSdkVersion(service: string, version: string = installedSdk): void {
    const problem = sdkVersionProblem(version);
    if (problem)
        throw new InvalidInputError(`ServiceWithMigrations '${service}' cannot run on this Pulumi SDK; nothing was registered`, [problem]);
}
