/**
 * Checking Kubernetes objects the program registers, offline: built-in kinds against the Kubernetes OpenAPI schema
 * (kubernetes-models, Kubernetes 1.33), and CloudNativePG Clusters against the v1.30.0 CRD's openAPIV3Schema, the way
 * the API server checks them (unknown fields refused, as `kubectl apply`'s strict field validation does), plus the
 * operator webhook's own rules that the CRD does not carry.
 */
import Ajv from "ajv";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import type { Registration } from "./engineModel/engine";

const CRD = path.join(__dirname, "..", "fixtures", "crds", "postgresql.cnpg.io_clusters.yaml");

/** Where kubernetes-models keeps a kind: `batch/v1` → kubernetes-models/batch/v1/Job; core `v1` → kubernetes-models/v1/Pod. */
function modelOf(apiVersion: string, kind: string): new (data: unknown) => { validate(): void } {
    return require(`kubernetes-models/${apiVersion}/${kind}`)[kind];
}

/** The CRD schema with `additionalProperties: false` wherever it lists properties and keeps no unknown fields. */
function strict(schema: any): any {
    if (Array.isArray(schema)) return schema.map(strict);
    if (typeof schema !== "object" || schema === null) return schema;
    const copy = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, k === "enum" || k === "required" ? v : strict(v)]));
    if (
        copy.type === "object" &&
        copy.properties &&
        copy.additionalProperties === undefined &&
        !copy["x-kubernetes-preserve-unknown-fields"]
    ) {
        copy.additionalProperties = false;
    }
    return copy;
}

let clusterValidator: ((data: unknown) => boolean) & { errors?: unknown } = undefined as never;

function validateCluster(object: any): string[] {
    if (!clusterValidator) {
        const crd = parse(fs.readFileSync(CRD, "utf8"));
        const schema = crd.spec.versions.find((v: { name: string }) => v.name === "v1").schema.openAPIV3Schema;
        clusterValidator = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(strict(schema));
    }
    const problems = clusterValidator(object)
        ? []
        : ((clusterValidator.errors ?? []) as { instancePath: string; message?: string; params: object }[]).map(
              (e) => `${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`,
          );
    // The operator's webhook (internal/webhook/v1/cluster_webhook.go) refuses what the CRD lets through.
    if (!/^[a-z]([-a-z0-9]{0,48}[a-z0-9])?$/.test(object.metadata?.name ?? ""))
        problems.push("metadata.name: a DNS-1035 label of at most 50 characters");
    if (!object.spec?.storage?.size) problems.push("spec.storage.size: the webhook needs a storage size");
    return problems;
}

/** Every schema problem of one registered Kubernetes object, as `<name>: <problem>`. */
export function kubernetesSchemaProblems(registration: Registration): string[] {
    const [, group, kind] = /^kubernetes:(.+):([A-Za-z]+)$/.exec(registration.type) ?? [];
    // Pulumi's type tokens spell the core group `core/v1`; its apiVersion is `v1`.
    const apiVersion = group === "core/v1" ? "v1" : group;
    const object = { apiVersion, kind, ...registration.inputs };
    if (apiVersion === "postgresql.cnpg.io/v1") {
        return validateCluster(object).map((p) => `${registration.name}: ${p}`);
    }
    const Model = modelOf(apiVersion, kind);
    try {
        new Model(object).validate();
        return [];
    } catch (error) {
        return [`${registration.name}: ${(error as Error).message}`];
    }
}

/** Whether `selector` selects objects labelled `labels`. */
export function selects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
    return selector !== undefined && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}
