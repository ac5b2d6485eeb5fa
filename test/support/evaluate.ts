/**
 * Running a program the way `pulumi up` or `pulumi preview` would, against the engine model, and reading its Outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import * as util from "util";
import { FakeEngine, Registration, RunOptions, RunResult, waitForRPCs } from "./engineModel/engine";
import { NAMESPACE } from "../../tools/lib/repository";
import { withoutPromiseStackTraces } from "../../components/stack/shortStackTraces";

export interface Evaluation<T> extends RunResult {
    /** Errors the program raised asynchronously; the Pulumi CLI would print each and fail the run. */
    errors: Error[];
    /** What the program logged with pulumi.log.warn; the CLI prints these as warnings. */
    warnings: string[];
    /** What the program logged with pulumi.log.info; the CLI prints these under Diagnostics. */
    infos: string[];
    result: T;
}

export interface EvaluateOptions extends RunOptions {
    /** The engine (and so the stack state) to run against; a fresh stack when left out. */
    engine?: FakeEngine;
}

/**
 * Runs `program` as `pulumi up` (or, with `preview`, `pulumi preview`) would against `engine`'s stack, and waits until
 * every registration has settled.
 */
export async function evaluate<T>(
    program: () => T,
    options: EvaluateOptions = {},
    onStarted?: (registrations: Registration[]) => Promise<void>,
): Promise<Evaluation<T>> {
    const engine = options.engine ?? new FakeEngine();
    const { result: run, finish } = await engine.install(NAMESPACE, options);
    const errors: Error[] = [];
    const warnings: string[] = [];
    const infos: string[] = [];
    // Set once the program's outputs have settled: from then on the SDK takes the program as finished (see below).
    let outputsSettled = false;
    const late: Error[] = [];
    const capture = (reason: unknown) => {
        const error = reason instanceof Error ? reason : new Error(String(reason));
        if (!errors.includes(error)) errors.push(error);
        if (outputsSettled && !late.includes(error)) late.push(error);
    };
    // Stand in for the Pulumi language host while the program runs: it logs each distinct unhandled rejection as an
    // error of the update. Jest's own listener would instead fail the test, so it steps aside until the program ends.
    const host = (globalThis as unknown as { hostProcess: NodeJS.Process }).hostProcess;
    const jestListeners = host.rawListeners("unhandledRejection") as ((...args: unknown[]) => void)[];
    host.removeAllListeners("unhandledRejection");
    host.on("unhandledRejection", capture);
    // Without an engine connection, pulumi.log.warn writes `warning: [runtime] <message>` to the console (log/index.js).
    const warn = jest.spyOn(console, "warn").mockImplementation((message: unknown) => {
        warnings.push(String(message).replace(/^warning: \[runtime\] /, ""));
    });
    // pulumi.log.info, likewise, writes `info: [runtime] <message>` with console.log; anything else logged passes on.
    const log = console.log.bind(console);
    const info = jest.spyOn(console, "log").mockImplementation((message: unknown, ...rest: unknown[]) => {
        const text = String(message);
        if (text.startsWith("info: [runtime] ")) infos.push(text.slice("info: [runtime] ".length));
        else log(message, ...rest);
    });
    try {
        // As index.ts registers the stack (shortStackTraces.ts); program.test runs index.ts itself.
        const result = withoutPromiseStackTraces(program);
        await onStarted?.(run.registrations);
        // An async program (index.ts is one) registers after its first await: let it finish; what it throws, the test sees.
        const outputs = result instanceof Promise ? await result : result;
        void settledOutputs(outputs).then(() => (outputsSettled = true));
        await finished(waitForRPCs());
        // Let rejections raised in the last turn reach the handler.
        await new Promise((resolve) => setImmediate(resolve));
        finish(errors.length > 0 || run.diagnostics.length > 0);
        if (late.length > 0) throw new ReportedAfterOutputsError(late);
        const withStack = errors.filter((error) => !(pulumi.ResourceError.isInstance(error) && error.hideStack));
        if (withStack.length > 0) throw new ReportedWithStackError(withStack);
        const unloggable = await againstUnregistered(errors);
        if (unloggable.length > 0) throw new AgainstUnregisteredError(unloggable);
        const costly = errors.filter(renderedBeyondMessage);
        if (costly.length > 0) throw new CostlyErrorRenderingError(costly);
        return { ...run, errors, warnings, infos, result };
    } finally {
        warn.mockRestore();
        info.mockRestore();
        host.off("unhandledRejection", capture);
        jestListeners.forEach((listener) => host.on("unhandledRejection", listener));
    }
}

/**
 * The SDK takes a program as finished once the outputs it returned have settled (runtime/stack.js, massage: every
 * Output, Promise and Resource in them, deeply), and from then on prints an unhandled rejection with its JavaScript
 * stack, under the stack rather than the resource it names (cmd/run/index.js, uncaughtHandler while `programRunning`
 * is false). An error that arrives that late reads wrong to the user, so evaluate() refuses it: see
 * components/service/afterAppsGate.ts.
 */
export class ReportedAfterOutputsError extends Error {
    constructor(readonly late: Error[]) {
        super(
            `${late.length} error(s) reached the engine after the program's outputs had settled; the Pulumi CLI would print them ` +
                `with a stack trace under the stack:\n${late.map((e) => e.message.split("\n")[0]).join("\n")}`,
        );
        this.name = "ReportedAfterOutputsError";
    }
}

/**
 * The program reports an unhandled rejection with its JavaScript stack, as "Running program … failed with an
 * unhandled exception", unless it is a ResourceError made with hideStack, which is printed as its message under its
 * resource (cmd/run/run.js, uncaughtHandler). A failure the user must read is the latter, so evaluate() refuses any
 * other: the SDK's own "resource … failed to register" or "error serializing property …" included.
 */
export class ReportedWithStackError extends Error {
    constructor(readonly reported: Error[]) {
        super(
            `${reported.length} error(s) would be printed with a JavaScript stack, under the stack:\n` +
                reported.map((e) => e.message.split("\n")[0]).join("\n"),
        );
        this.name = "ReportedWithStackError";
    }
}

/**
 * The SDK logs a ResourceError against its resource's URN, waiting for it first, and every later log message waits
 * for that one (log/index.js, log: `lastLog`): against a resource that never registered, whose URN rejects (or never
 * settles, before SDK 3.257), the message is lost and so is every message after it. evaluate() refuses such errors.
 */
export class AgainstUnregisteredError extends Error {
    constructor(readonly reported: Error[]) {
        super(
            `${reported.length} error(s) name a resource that never registered; the SDK could not log them, nor anything ` +
                `after them:\n${reported.map((e) => e.message.split("\n")[0]).join("\n")}`,
        );
        this.name = "AgainstUnregisteredError";
    }
}

async function againstUnregistered(errors: Error[]): Promise<Error[]> {
    const found: Error[] = [];
    for (const error of errors) {
        const resource = (error as { resource?: { urn: { promise(): Promise<string> } } }).resource;
        if (!resource) continue;
        // By now every registration has settled: a URN that is not there yet never will be.
        const pending = new Promise<never>((_, reject) => setTimeout(() => reject(new Error("pending")), 50));
        try {
            await Promise.race([resource.urn.promise(), pending]);
        } catch {
            found.push(error);
        }
    }
    return found;
}

/** What the SDK renders of every error it reports, hideStack or not (cmd/run/run.js, uncaughtHandler; cmd/run/error.js). */
function sdkRendering(error: Error): string {
    return util.inspect(error, { colors: true });
}

/**
 * Whether one of the program's own errors (a hideStack ResourceError) renders more than its message in a way that
 * costs: stack frames, or a resource among its enumerable properties (whose Outputs and parents the rendering walks).
 * (The SDK also hangs the rejected promise on it, `err.promise`, runtime/debuggable.js: small in a real program.)
 */
function renderedBeyondMessage(error: Error): boolean {
    if (!(pulumi.ResourceError.isInstance(error) && error.hideStack)) return false;
    const resources = Object.values(error).filter((value) => pulumi.Resource.isInstance(value));
    return resources.length > 0 || /\n\s+at /.test(sdkRendering(error));
}

/**
 * An error whose rendering goes beyond its message: stack frames (which Node's colouring can take tens of seconds
 * over, nodejs/node#64011) or the properties of the resource it names. See components/service/resourceError.ts.
 */
export class CostlyErrorRenderingError extends Error {
    constructor(readonly costly: Error[]) {
        super(
            `${costly.length} error(s) the SDK would render beyond their message (stack frames or a resource graph), at a cost the ` +
                `update waits for:\n${costly.map((e) => sdkRendering(e).slice(0, 300)).join("\n")}`,
        );
        this.name = "CostlyErrorRenderingError";
    }
}

/** Resolves once every Output, Promise and Resource in `value` has settled, as the SDK's massage() awaits them. */
async function settledOutputs(value: unknown, seen = new Set<unknown>()): Promise<void> {
    if (value === null || typeof value !== "object" || seen.has(value)) return;
    seen.add(value);
    if (pulumi.Output.isInstance(value)) {
        // OutputImpl.promise() (internal, as massage uses it): unknown in a preview resolves to undefined.
        const inner = await (value as unknown as { promise(): Promise<unknown> }).promise().catch(() => undefined);
        return settledOutputs(inner, seen);
    }
    if (value instanceof Promise) return settledOutputs(await value.catch(() => undefined), seen);
    if (pulumi.Resource.isInstance(value)) return settledOutputs(value.urn, seen);
    await Promise.all(Object.values(value as object).map((v) => settledOutputs(v, seen)));
}

/** A registration still waiting when this expires waits on an Output that never settles: a real update would hang. */
const PROGRAM_TIMEOUT_MS = 15_000;

function finished(rpcs: Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
            () =>
                reject(
                    new Error(
                        `the program never finished: a registration waits on an Output that never settles (a real update would hang)`,
                    ),
                ),
            PROGRAM_TIMEOUT_MS,
        );
    });
    return Promise.race([rpcs, timeout]).finally(() => clearTimeout(timer));
}

/** Resolves an Output's value (tests only; a program would use apply). */
export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply(resolve));
}

/** Like promiseOf, but fails instead of hanging when the Output never settles: the engine would wait forever. */
export function settled<T>(output: pulumi.Output<T>, what: string, ms = 2000): Promise<T> {
    return Promise.race([
        promiseOf(output),
        new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} never settled: the update would hang`)), ms)),
    ]);
}

export function named(registrations: readonly Registration[], name: string): Registration {
    const found = registrations.find((r) => r.name === name);
    if (!found) throw new Error(`no resource named ${name}; registered: ${registrations.map((r) => r.name).join(", ")}`);
    return found;
}
