/**
 * A service's apps on Kubernetes: a Deployment that rolls without ever going below its replica count
 * (`maxUnavailable: 0`), probed on the configured health paths, behind a Service, with a PodDisruptionBudget once
 * there are two or more replicas. Pulumi awaits a Deployment until its new ReplicaSet is available (await/deployment.go).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ServicePlan } from "../../service/plan";
import type { KubernetesDatabase } from "./database";
import { envVars, labels, objectNames, resources, RESTRICTED_CONTAINER, SecretKey, selector } from "./objects";

/**
 * Seconds a pod gets between SIGTERM and SIGKILL: Spring Boot's graceful shutdown waits up to 30 s by default
 * (spring.lifecycle.timeout-per-shutdown-phase), plus time for the endpoints to drop the pod.
 */
export const APP_TERMINATION_GRACE_SECONDS = 45;

export interface AppArgs {
    namespace: pulumi.Input<string>;
    database: KubernetesDatabase;
    /** Resolves only once the migration applied (see kubernetesTarget.ts). */
    dependsOn: pulumi.Input<pulumi.Input<pulumi.Resource>[]>;
}

const STARTUP_PROBE_PERIOD_SECONDS = 5;

export function createApps(plan: ServicePlan, args: AppArgs, parent: pulumi.Resource): k8s.apps.v1.Deployment {
    const names = objectNames(plan.name);
    const { port, replicas, health } = plan.args;
    const http = (path: string) => ({ httpGet: { path, port: "http" } });
    const deployment = new k8s.apps.v1.Deployment(
        `${names.app}-app`,
        {
            metadata: { name: names.app, namespace: args.namespace, labels: labels(plan.name, "app") },
            spec: {
                replicas,
                selector: { matchLabels: selector(plan.name, "app") },
                strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
                template: {
                    metadata: { labels: labels(plan.name, "app") },
                    spec: {
                        terminationGracePeriodSeconds: APP_TERMINATION_GRACE_SECONDS,
                        containers: [
                            {
                                name: "app",
                                image: plan.appImage,
                                ports: [{ name: "http", containerPort: port }],
                                env: envVars(
                                    plan.appEnvironment(args.database.jdbcUrl, new SecretKey(names.appSecret, "password")),
                                    args.database.env,
                                ),
                                // A JVM starts slowly: the startup probe holds the others off for startupSeconds.
                                startupProbe: {
                                    ...http(health.livenessPath),
                                    periodSeconds: STARTUP_PROBE_PERIOD_SECONDS,
                                    failureThreshold: Math.ceil(health.startupSeconds / STARTUP_PROBE_PERIOD_SECONDS),
                                },
                                readinessProbe: { ...http(health.readinessPath), periodSeconds: 5, failureThreshold: 3 },
                                livenessProbe: { ...http(health.livenessPath), periodSeconds: 10, failureThreshold: 3 },
                                resources: resources(plan.args.limits),
                                securityContext: RESTRICTED_CONTAINER,
                            },
                        ],
                    },
                },
            },
        },
        { parent, dependsOn: args.dependsOn },
    );
    new k8s.core.v1.Service(
        `${names.app}-app-service`,
        {
            metadata: { name: names.app, namespace: args.namespace, labels: labels(plan.name, "app") },
            spec: { selector: selector(plan.name, "app"), ports: [{ name: "http", port, targetPort: "http" }] },
        },
        { parent },
    );
    if (replicas >= 2) {
        new k8s.policy.v1.PodDisruptionBudget(
            `${names.app}-app-budget`,
            {
                metadata: { name: names.app, namespace: args.namespace, labels: labels(plan.name, "app") },
                spec: { maxUnavailable: 1, selector: { matchLabels: selector(plan.name, "app") } },
            },
            { parent },
        );
    }
    return deployment;
}
