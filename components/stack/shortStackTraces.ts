/**
 * Registering resources without the SDK's per-promise stack traces.
 *
 * The Node SDK wraps every internal promise in `debuggablePromise`, which captures `new Error().stack` whether or not
 * anyone reads it (runtime/debuggable.js): hundreds of captures per resource, most of a program's evaluation time.
 * The capture honours `Error.stackTraceLimit`, so the program lowers it to 0 while it registers the stack's resources.
 * The SDK's own use of stack traces is unaffected: a resource's source position is taken by Resource.callsites(),
 * which raises the limit for itself (runtime/resource.js). What is given up for the duration: the stacks that
 * PULUMI_DEBUG_PROMISE_LEAKS prints (so the limit is left alone when it is set), and the frames of errors created in
 * that time, such as an exception thrown by the program while it registers.
 */

/** Runs `register` with Error.stackTraceLimit at 0, and restores it afterwards (and at once when `register` throws). */
export function withoutPromiseStackTraces<T>(register: () => T): T {
    if (process.env.PULUMI_DEBUG_PROMISE_LEAKS) {
        return register();
    }
    const previous = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
        return register();
    } finally {
        Error.stackTraceLimit = previous;
    }
}
