/**
 * The per-service keys only the Docker target reads, with their rules and wording: host ports, how replicas are
 * replaced, pre-migration backups, and the healthcheck command. Merged over the shared keys (service/arguments.ts).
 */
import { z } from "zod";
import { healthShape, portSchema } from "../../service/arguments";

export const dockerServiceKeys = {
    /** Publish replica i on host port hostPort + i - 1. @default not published */
    hostPort: portSchema().optional(),
    /** Publish the database's 5432 on this host port. @default not published */
    databaseHostPort: portSchema().optional(),
    /** Replace app containers one at a time, each once the previous one is healthy, or all at once. @default "rolling" */
    rollout: z.enum(["rolling", "parallel"]).optional().meta({ expected: "rolling or parallel" }),
    /** A pg_dump before every migration run, keeping the last `keep` dumps; a dump may take `timeoutSeconds`. @default off */
    backup: z
        .strictObject({
            /** @default 10 */
            keep: z.int().min(1).max(1000).default(10).meta({ expected: "a whole number of dumps to keep, from 1 to 1000" }),
            /** @default 3600 */
            timeoutSeconds: z.int().min(30).max(86_400).default(3600).meta({ expected: "a whole number of seconds from 30 to 86400" }),
        })
        .optional()
        .meta({ expected: "a map { keep, timeoutSeconds }, e.g. { keep: 10 }" }),
    /** The shared health paths, plus the healthcheck command Docker runs in the app container. */
    health: z
        .strictObject({
            ...healthShape,
            /** @default an HTTP GET of readinessPath with wget */
            command: z.array(z.string().min(1)).min(1).optional().meta({
                expected: "a healthcheck command as Docker takes it, e.g. [CMD, wget, -q, -O, /dev/null, http://127.0.0.1:8080/health]",
            }),
        })
        .meta({
            expected:
                "a map { livenessPath, readinessPath, startupSeconds, command }, e.g. { livenessPath: /health, readinessPath: /health }",
        })
        .prefault({}),
};

export type DockerServiceKeys = typeof dockerServiceKeys;
/** The health settings on Docker: the shared paths and start time, and the healthcheck command. */
export type DockerHealthChecks = z.output<DockerServiceKeys["health"]>;
