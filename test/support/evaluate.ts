import * as pulumi from "@pulumi/pulumi";
import { FlywayResult, RecordingMocks, Registration, waitForRPCs } from "./mocks";


export interface Evaluation<T> {
    registrations: Registration[];
    /** `registered <name>` / `created <name>` in the order the mocks saw them. */
    events: string[];
    /** Errors the program raised asynchronously; the Pulumi CLI would print each and fail the update. */
    errors: Error[];
    result: T;
}

export interface EvaluateOptions {
    preview?: boolean;
    flywayResults?: Record<string, FlywayResult>;
    flywayFinishes?: Promise<void>;
    createTime?: (args: pulumi.runtime.MockResourceArgs) => number;
    stack?: string;
    config?: Record<string, string>;
}

/** Runs `program` under fresh mocks and waits until every registration has settled. */
export async function evaluate<T>(program: () => T, options: EvaluateOptions = {}, onStarted?: (registrations: Registration[]) => Promise<void>): Promise<Evaluation<T>> {
    const mocks = new RecordingMocks(options.preview ?? false, options.flywayResults, options.flywayFinishes, options.createTime);
    await pulumi.runtime.setMocks(mocks, "library", options.stack ?? "dev", options.preview ?? false);
    pulumi.runtime.setAllConfig(options.config ?? {});
    const errors: Error[] = [];
    const capture = (reason: unknown) => {
        const error = reason instanceof Error ? reason : new Error(String(reason));
        if (!errors.includes(error)) errors.push(error);
    };
    // Stand in for the Pulumi language host while the program runs: it logs each distinct unhandled rejection as an
    // error of the update. Jest's own listener would instead fail the test, so it steps aside until the program ends.
    const host = (globalThis as unknown as { hostProcess: NodeJS.Process }).hostProcess;
    const jestListeners = host.rawListeners("unhandledRejection") as ((...args: unknown[]) => void)[];
    host.removeAllListeners("unhandledRejection");
    host.on("unhandledRejection", capture);
    try {
        const result = program();
        await onStarted?.(mocks.registrations);
        await waitForRPCs();
        // Let rejections raised in the last turn reach the handler.
        await new Promise((resolve) => setImmediate(resolve));
        return { registrations: mocks.registrations, events: mocks.events, errors, result };
    } finally {
        host.off("unhandledRejection", capture);
        jestListeners.forEach((listener) => host.on("unhandledRejection", listener));
    }
}

/** Resolves an Output's value (tests only; a program would use apply). */
export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply(resolve));
}

export function named(registrations: readonly Registration[], name: string): Registration {
    const found = registrations.find((r) => r.name === name);
    if (!found) throw new Error(`no resource named ${name}; registered: ${registrations.map((r) => r.name).join(", ")}`);
    return found;
}
