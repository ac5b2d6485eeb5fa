/**
 * The Kubernetes target as the library stack knows it (see ../definition.ts): its stack-wide keys (the stack's
 * namespace, the CloudNativePG operator's), its default image, and the platform every service of a stack shares.
 */
import { z } from "zod";
import type { ServiceArguments } from "../../service/arguments";
import { imageRepository } from "../../service/imageReference";
import { defineTarget } from "../definition";
import { appDeploymentGlob, contractGlobs } from "./appExcludes";
import { KubernetesServiceKeys, kubernetesServiceKeys } from "./kubernetesKeys";
import { kubernetesNames } from "./kubernetesNames";
import { KubernetesPlatformArgs, kubernetesPlatform } from "./kubernetesPlatform";
import { DEFAULT_OPERATOR_NAMESPACE, kubernetesArgumentProblems } from "./kubernetesTarget";

/** A Kubernetes object name that is also a DNS label (RFC 1123): namespaces, and the names services give objects. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** CloudNativePG's operand images; Docker Hub's postgres cannot run under its operator. */
const DEFAULT_POSTGRES_IMAGE = "ghcr.io/cloudnative-pg/postgresql:17-standard-trixie";

export const kubernetesDefinition = defineTarget({
    name: "kubernetes",
    title: "Kubernetes",
    serviceKeys: kubernetesServiceKeys,
    insteadOf: {
        hostPort: "the apps are reached through their Service (kubectl port-forward) and the database through its -rw Service",
        databaseHostPort: "the apps are reached through their Service (kubectl port-forward) and the database through its -rw Service",
        rollout: "the Deployment always rolls, one new pod at a time (maxUnavailable 0)",
        backup: "back up with CloudNativePG's own backups (a `backup` section on the Cluster)",
        "health.command": "the probes ask livenessPath and readinessPath over HTTP",
    },
    claimedNames: (service, args) => kubernetesNames(service, args as ServiceArguments<KubernetesServiceKeys>),
    argumentProblems: (args, migrations) => kubernetesArgumentProblems(args as ServiceArguments<KubernetesServiceKeys>, migrations),
    stackKeys: {
        /** The stack's place on the cluster. */
        kubernetes: z
            .strictObject({
                /** The stack's namespace, which the program creates. @default "library-<stack>" */
                namespace: z.string().optional().meta({ expected: "a Kubernetes namespace name, e.g. library-prod" }),
                /** Where the CloudNativePG operator runs. @default "cnpg-system" */
                operatorNamespace: z
                    .string()
                    .default(DEFAULT_OPERATOR_NAMESPACE)
                    .meta({ expected: "the namespace of the CloudNativePG operator, e.g. cnpg-system" }),
            })
            .optional()
            .meta({ expected: "a map { namespace, operatorNamespace }, e.g. { namespace: library-prod }" }),
    },
    stackSettings: (keys, stack): { settings: KubernetesPlatformArgs; problems: { key: string; message: string }[] } => {
        // `library-<stack>` unless the stack file names one; without a stack name (a check of the file alone), `library`.
        const namespace = keys.kubernetes?.namespace ?? (stack === undefined ? "library" : `library-${stack}`);
        const operatorNamespace = keys.kubernetes?.operatorNamespace ?? DEFAULT_OPERATOR_NAMESPACE;
        const invalid = (key: string, value: string, example: string) =>
            DNS_LABEL.test(value)
                ? []
                : [
                      {
                          key,
                          message:
                              `'${value}' is not a valid namespace name (lower-case letters, digits and '-', at most 63, as the API ` +
                              `server requires); set ${key}, e.g. ${example}`,
                      },
                  ];
        return {
            settings: { namespace, operatorNamespace },
            problems: [
                ...invalid("kubernetes.namespace", namespace, "library-prod"),
                ...invalid("kubernetes.operatorNamespace", operatorNamespace, DEFAULT_OPERATOR_NAMESPACE),
            ],
        };
    },
    defaultPostgresImage: DEFAULT_POSTGRES_IMAGE,
    postgresImageProblem: (image) =>
        /^((docker\.io|index\.docker\.io)\/)?(library\/)?postgres$/.test(imageRepository(image))
            ? `'${image}' is Docker Hub's postgres image, which CloudNativePG cannot run (its postgres user has another UID, and ` +
              `initdb fails); use a CloudNativePG operand image, e.g. ${DEFAULT_POSTGRES_IMAGE}`
            : undefined,
    platform: (settings: KubernetesPlatformArgs) => kubernetesPlatform(settings),
    appExcludeGlob: appDeploymentGlob,
    contractGlobs,
});
