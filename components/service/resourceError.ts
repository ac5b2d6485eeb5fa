/**
 * The errors the component raises against one of its resources: shown by Pulumi under that resource, without a
 * JavaScript stack, and cheap for the SDK to report.
 *
 * Cheap matters. When the program's unhandled-rejection handler reports an error, it also renders the whole error
 * with util.inspect(err, { colors: true }) for its tracing span, hideStack or not (@pulumi/pulumi cmd/run/run.js,
 * uncaughtHandler, `span.addEvent(... defaultErrorMessage(err))`; cmd/run/error.js). Two things make that costly:
 * - The stack. Node's colouring of stack frames loops until the string overflows on a frame under a scope folder
 *   with no folder after it (nodejs/node#64011: lib/internal/util/inspect.js, markNodeModules, fixed by #64022 in
 *   2026 and still present in Node 20.20 and 22 here), and source-map-support maps the SDK's own frames to just such
 *   paths (`node_modules/@pulumi/output.ts`). Measured on the real engine: 20-25 s of CPU, mostly garbage
 *   collection, for one failed migration, with the update waiting. The user never sees these frames (hideStack),
 *   so the error is made without any.
 * - The resource. A ResourceError's `resource` is an own, enumerable property, so the rendering walks the resource,
 *   its Outputs and its parent. Kept off the enumerable properties, it is still read by name (run.js, log.error).
 */
import * as pulumi from "@pulumi/pulumi";

/**
 * `resource` must be one that registers: the SDK logs the error against its URN and waits for it first, and the URN
 * of a resource that never registered rejects (or, before SDK 3.257, never settles), which breaks every log message
 * after it (log/index.js, log: `lastLog`). Without a resource the error is shown under the stack.
 */
export function resourceError(message: string, resource: pulumi.Resource | undefined): pulumi.ResourceError {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
        const error = new pulumi.ResourceError(message, resource as pulumi.Resource, true);
        Object.defineProperty(error, "resource", { value: resource, enumerable: false });
        return error;
    } finally {
        Error.stackTraceLimit = limit;
    }
}
