/**
 * A service's database on Kubernetes: a CloudNativePG Cluster of its own (the default), or an external database given
 * by an existing Secret. Either way Flyway and the apps learn where it is and who owns it, passwords by reference.
 *
 * CloudNativePG (v1.30; the operator is a cluster-wide prerequisite): `bootstrap.initdb` creates the database and its
 * owner, with the password from our Secret, which the operator keeps applying whenever the Secret changes
 * (`cnpg.io/reload`). The owner is created with LOGIN only (pkg/management/postgres/initdb.go); `postInitSQL` (run
 * once, as the superuser, at bootstrap) gives it CREATEROLE, so that Flyway's callback can create the app role, as
 * the owner does on Docker. Pulumi waits for the Cluster's Ready condition (`pulumi.com/waitFor`).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { RequiredObject } from "../../service/migrationChain";
import type { ServicePlan } from "../../service/plan";
import { afterInputs, ServiceFailure } from "../../service/inputsGate";
import { madeOf } from "../../service/whenCreated";
import { CLUSTER_DEFAULTS, DatabaseOptions, databaseSchema, KubernetesServiceKeys } from "./kubernetesKeys";
import { labels, objectNames, resources, SecretKey, selector } from "./objects";

export interface KubernetesDatabase {
    /** The CloudNativePG Cluster; none for an external database. */
    cluster?: pulumi.CustomResource;
    /** What Flyway waits for before it runs. */
    resources: pulumi.CustomResource[];
    jdbcUrl: string;
    /** The owner's name: known (CloudNativePG) or from the external Secret. */
    owner: string | SecretKey;
    ownerPassword: SecretKey;
    /** Variables the JDBC URL refers to as `$(NAME)`, which must come first in a container's env. */
    env: k8s.types.input.core.v1.EnvVar[];
    /** What must have been created for the migration to run, each with what to say when it was not. */
    mustExist: RequiredObject[];
}

export interface DatabaseSettings {
    namespace: pulumi.Input<string>;
    /** Where the CloudNativePG operator runs; it must reach the instances. */
    operatorNamespace: string;
    /** What the service's objects fail with when an input could not be created (service/inputsGate.ts). */
    failure: ServiceFailure;
}

/** The database a service gets when it sets none: the schema's defaults, and a Cluster's. */
export const DEFAULT_DATABASE = { ...databaseSchema.parse({}), ...CLUSTER_DEFAULTS };

/** The statements CloudNativePG runs once at bootstrap, as the superuser: the owner may create the app role. */
export function ownerBootstrapSql(owner: string): string[] {
    return [`ALTER ROLE "${owner}" CREATEROLE`];
}

export function createDatabase(
    plan: ServicePlan<KubernetesServiceKeys>,
    settings: DatabaseSettings,
    parent: pulumi.Resource,
): KubernetesDatabase {
    const options = { ...DEFAULT_DATABASE, ...plan.args.database };
    return options.mode === "external" ? externalDatabase(plan, options.secret!) : cloudNativePg(plan, options, settings, parent);
}

/**
 * A database someone else runs: the Secret names it (`host`, `port`, `dbname`) and its owner (`username`,
 * `password`); the owner must be able to create roles (CREATEROLE) for the app role.
 */
function externalDatabase(plan: ServicePlan, secret: string): KubernetesDatabase {
    const fromSecret = (name: string, key: string): k8s.types.input.core.v1.EnvVar => ({
        name,
        valueFrom: { secretKeyRef: { name: secret, key } },
    });
    return {
        resources: [],
        mustExist: [],
        jdbcUrl: "jdbc:postgresql://$(DATABASE_HOST):$(DATABASE_PORT)/$(DATABASE_NAME)",
        owner: new SecretKey(secret, "username"),
        ownerPassword: new SecretKey(secret, "password"),
        env: [fromSecret("DATABASE_HOST", "host"), fromSecret("DATABASE_PORT", "port"), fromSecret("DATABASE_NAME", "dbname")],
    };
}

function cloudNativePg(
    plan: ServicePlan<KubernetesServiceKeys>,
    options: DatabaseOptions,
    settings: DatabaseSettings,
    parent: pulumi.Resource,
): KubernetesDatabase {
    const names = objectNames(plan.name);
    const { database, owner } = plan.names;
    const ownerSecret = new k8s.core.v1.Secret(
        names.ownerSecret,
        {
            metadata: {
                name: names.ownerSecret,
                namespace: settings.namespace,
                labels: { ...labels(plan.name, "database"), "cnpg.io/reload": "true" },
            },
            type: "kubernetes.io/basic-auth",
            stringData: { username: owner, password: plan.ownerPassword },
        },
        { parent, dependsOn: afterInputs([settings.namespace, plan.ownerPassword], settings.failure) },
    );
    const clusterInputs = [settings.namespace, plan.postgresImage, ownerSecret.urn];
    const cluster = new k8s.apiextensions.CustomResource(
        names.cluster,
        {
            apiVersion: "postgresql.cnpg.io/v1",
            kind: "Cluster",
            metadata: {
                name: names.cluster,
                namespace: settings.namespace,
                labels: labels(plan.name, "database"),
                annotations: { "pulumi.com/waitFor": "condition=Ready" },
            },
            spec: {
                instances: options.instances,
                imageName: plan.postgresImage,
                storage: { size: options.storage, ...(options.storageClass === undefined ? {} : { storageClass: options.storageClass }) },
                bootstrap: { initdb: { database, owner, secret: { name: names.ownerSecret }, postInitSQL: ownerBootstrapSql(owner) } },
                ...(plan.args.databaseLimits ? { resources: resources(plan.args.databaseLimits) } : {}),
            },
        },
        // The operator deletes the volumes with the Cluster (they carry its ownerReference): removing the Cluster
        // from the program must not delete the data, as on Docker. Delete it on purpose with kubectl.
        {
            parent,
            dependsOn: afterInputs(clusterInputs, settings.failure, [ownerSecret]),
            retainOnDelete: true,
        },
    );
    // What they are made of, so that a namespace or Secret that could not be created is reported, not waited on.
    madeOf(ownerSecret, [settings.namespace, plan.ownerPassword]);
    // Exactly the gate's inputs: a gate waits for the service's outcome, which reads whenCreated of this very object.
    madeOf(cluster, clusterInputs);
    const policy = madeOf(databaseNetworkPolicy(plan.name, settings, parent), [settings.namespace]);
    return {
        cluster,
        resources: [cluster, policy],
        mustExist: [
            { resource: ownerSecret, reason: "its database owner's Secret could not be created" },
            { resource: cluster, reason: "its CloudNativePG Cluster could not be created or did not become ready" },
            { resource: policy, reason: "its database NetworkPolicy could not be created" },
        ],
        jdbcUrl: `jdbc:postgresql://${names.cluster}-rw:5432/${database}`,
        owner,
        ownerPassword: new SecretKey(names.ownerSecret, "password"),
        env: [],
    };
}

/**
 * Only the service's own pods reach its database: its apps and its migration on 5432; and what CloudNativePG needs,
 * its operator and the instances among themselves, on 5432 and 8000 (the instance manager), as its networking
 * documentation lists them (docs/src/networking.md, samples/networkpolicy-example.yaml).
 */
function databaseNetworkPolicy(service: string, settings: DatabaseSettings, parent: pulumi.Resource): k8s.networking.v1.NetworkPolicy {
    const names = objectNames(service);
    const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: "TCP", port }));
    return new k8s.networking.v1.NetworkPolicy(
        `${names.databasePolicy}-policy`,
        {
            metadata: { name: names.databasePolicy, namespace: settings.namespace, labels: labels(service, "database") },
            spec: {
                podSelector: { matchLabels: { "cnpg.io/cluster": names.cluster } },
                policyTypes: ["Ingress"],
                ingress: [
                    {
                        from: [
                            { podSelector: { matchLabels: selector(service, "app") } },
                            { podSelector: { matchLabels: selector(service, "migration") } },
                        ],
                        ports: tcp(5432),
                    },
                    { from: [{ podSelector: { matchLabels: { "cnpg.io/cluster": names.cluster } } }], ports: tcp(5432, 8000) },
                    {
                        from: [
                            {
                                namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": settings.operatorNamespace } },
                                podSelector: { matchLabels: { "app.kubernetes.io/name": "cloudnative-pg" } },
                            },
                        ],
                        ports: tcp(5432, 8000),
                    },
                ],
            },
        },
        { parent, dependsOn: afterInputs([settings.namespace], settings.failure) },
    );
}
