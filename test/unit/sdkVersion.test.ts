/**
 * The component refuses Pulumi SDKs that read a failed create as created (see components/service/sdkVersion.ts).
 */
import { version as installedSdk } from "@pulumi/pulumi/version";
import { checkSdkVersion, OLDEST_SUPPORTED_SDK, sdkVersionProblem } from "../../components/service/sdkVersion";

describe("the Pulumi SDK the component runs on", () => {
    it.each(["3.252.0", "3.252.1", "3.253.0", "3.270.0", "3.252.0-alpha.1", "4.0.0"])("accepts %s", (version) => {
        expect(sdkVersionProblem(version)).toBeUndefined();
    });

    it.each(["3.251.9", "3.248.0", "3.100.5", "2.999.0", "not-a-version"])("refuses %s, saying what to install", (version) => {
        expect(sdkVersionProblem(version)).toBe(
            `@pulumi/pulumi ${version} is older than ${OLDEST_SUPPORTED_SDK}, the oldest the component supports: with it a resource ` +
                "that fails to be created under `--continue-on-error` reads as created, so a migration that did not run could be " +
                `reported as applied. Upgrade it: npm install @pulumi/pulumi@^${OLDEST_SUPPORTED_SDK}`,
        );
    });

    it("throws for the component before anything is registered, naming the service", () => {
        const heading = "ServiceWithMigrations 'catalog' cannot run on this Pulumi SDK; nothing was registered";
        expect(() => checkSdkVersion("catalog", "3.248.0")).toThrow(`${heading}:\n  - @pulumi/pulumi 3.248.0 is older than`);
    });

    it("accepts the SDK this repository installs", () => {
        expect(() => checkSdkVersion("catalog")).not.toThrow();
        expect(installedSdk).not.toBe("");
    });
});
