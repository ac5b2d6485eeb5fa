/**
 * The per-service keys only the Kubernetes target reads, with their rules and wording: the service's database, a
 * CloudNativePG Cluster of the stack's own or an external one. Merged over the shared keys (service/arguments.ts).
 */
import { z } from "zod";

/** Kubernetes: the service's database (see database.ts). */
export const databaseSchema = z
    .strictObject({
        /** `cloudnative-pg`: a CloudNativePG Cluster of the stack's own; `external`: one given by a Secret. @default "cloudnative-pg" */
        mode: z.enum(["cloudnative-pg", "external"]).default("cloudnative-pg").meta({ expected: "cloudnative-pg or external" }),
        // No zod defaults for instances and storage: an external database refuses them when set (databaseChecks.ts),
        // which a default would hide. Their defaults are CLUSTER_DEFAULTS below, which only a Cluster reads.
        /** CloudNativePG: PostgreSQL instances, one primary and the rest streaming replicas. @default 1 */
        instances: z.int().min(1).max(9).optional().meta({ expected: "a whole number of PostgreSQL instances from 1 to 9" }),
        /** CloudNativePG: the size of each instance's volume, as a Kubernetes quantity. @default "1Gi" */
        storage: z
            .string()
            .regex(/^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/)
            .optional()
            .meta({ expected: "a Kubernetes quantity such as 10Gi" }),
        /** CloudNativePG: the StorageClass of the volumes. @default the cluster's default */
        storageClass: z.string().optional().meta({ expected: "the name of a StorageClass" }),
        /** External: the Secret with `host`, `port`, `dbname`, `username` and `password` of the database's owner. */
        secret: z.string().optional().meta({ expected: "the name of a Secret in the stack's namespace" }),
    })
    .meta({ expected: "a map { mode, instances, storage, storageClass, secret }, e.g. { instances: 3, storage: 10Gi }" });
export type DatabaseOptions = z.infer<typeof databaseSchema>;

/** What a CloudNativePG Cluster gets for the keys a service leaves out. */
export const CLUSTER_DEFAULTS = { instances: 1, storage: "1Gi" } as const;

export const kubernetesServiceKeys = {
    /** The database. @default a CloudNativePG Cluster with one instance and 1Gi */
    database: databaseSchema.optional(),
    /**
     * The user id the app containers run as: the namespace enforces Pod Security `restricted`, which refuses root, and
     * the kubelet cannot check an image whose USER is a name. Set the one your image is built for. @default 65532
     */
    runAsUser: z.int().min(1).max(2_147_483_647).default(65532).meta({ expected: "a user id other than 0, e.g. 1000" }),
};
export type KubernetesServiceKeys = typeof kubernetesServiceKeys;
