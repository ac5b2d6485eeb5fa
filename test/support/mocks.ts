import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";

// Internal to the SDK, but it is how the real language host knows a program has finished: every registration,
// including the ones waiting on a migration gate, has either reached the engine or failed.
// eslint-disable-next-line @typescript-eslint/no-var-requires
export const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };

/** One resource as the program registered it. */
export interface Registration {
    type: string;
    name: string;
    inputs: Record<string, any>;
}

/** How a service's Flyway run ends under the mocks; the default is success. */
export interface FlywayResult {
    exitCode: number;
    log: string;
}

export const CONTAINER = "docker:index/container:Container";
export const SUCCESS_LOG = 'Successfully applied 3 migrations to schema "public", now at version v3 (execution time 00:00.041s)';

/**
 * Mocks that record every registration and answer as the Docker provider would: a Flyway container (the attached
 * one) reports `exitCode` and `containerLogs`, except during preview, where they stay unknown as on a real preview.
 */
export class RecordingMocks implements pulumi.runtime.Mocks {
    readonly registrations: Registration[] = [];
    /** `registered <name>` and `created <name>`, in the order they happened, for ordering assertions. */
    readonly events: string[] = [];

    constructor(
        private readonly preview: boolean,
        private readonly flywayResults: Record<string, FlywayResult> = {},
        /** Flyway containers finish only once this settles, as `attach` keeps a real create open until the exit. */
        private readonly flywayFinishes: Promise<void> = Promise.resolve(),
        /** Simulated provider time for a create, in milliseconds (the benchmark's stand-in for Docker). */
        private readonly createTime: (args: pulumi.runtime.MockResourceArgs) => number = () => 0,
    ) {}

    async newResource(args: pulumi.runtime.MockResourceArgs): Promise<{ id: string; state: Record<string, any> }> {
        this.registrations.push({ type: args.type, name: args.name, inputs: args.inputs });
        this.events.push(`registered ${args.name}`);
        const delay = this.createTime(args);
        if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
        const state: Record<string, any> = { ...args.inputs };
        if (args.type === "docker:index/remoteImage:RemoteImage" && !this.preview) {
            state.imageId = `sha256:${createHash("sha256").update(args.inputs.name).digest("hex")}`;
        }
        if (args.type === "random:index/randomPassword:RandomPassword" && !this.preview) {
            state.result = `mock-password-of-${args.name}`;
        }
        if (args.type === CONTAINER && args.inputs.attach && !this.preview) {
            await this.flywayFinishes;
            const service = args.name.replace(/-flyway$/, "");
            const result = this.flywayResults[service] ?? { exitCode: 0, log: SUCCESS_LOG };
            state.exitCode = result.exitCode;
            state.containerLogs = result.log;
        }
        this.events.push(`created ${args.name}`);
        return { id: this.preview ? "" : `${args.name}-id`, state };
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
        return args.inputs;
    }
}
