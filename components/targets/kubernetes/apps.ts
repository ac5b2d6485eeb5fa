/**
 * A service's apps on Kubernetes: a Deployment that rolls without ever going below its replica count
 * (`maxUnavailable: 0`), probed on the configured health paths, behind a Service, with a PodDisruptionBudget once
 * there are two or more replicas.
 *
 * When the rollout counts as finished is the program's to say, not the provider's default: the provider's own await
 * (pulumi-kubernetes provider/pkg/await/deployment.go) waits for the controller to observe the new generation once
 * and then for the new ReplicaSet's ready pods, and was seen to report an update done while old pods still served.
 * The `pulumi.com/waitFor` annotation replaces that await (provider/pkg/await/await.go: no built-in await when an
 * override is set) with conditions that must all hold at once (metadata/overrides.go, ReadyCondition;
 * condition/all.go), each checked only once status.observedGeneration has reached metadata.generation
 * (condition/jsonpath.go, Satisfied): every replica updated, available and ready, no pod of an old ReplicaSet left,
 * and the controller's own verdict that the new ReplicaSet is available. Whatever waits for the rollout (outputs, a
 * later step) waits for that.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { afterInputs, ServiceFailure } from "../../service/inputsGate";
import type { ServicePlan } from "../../service/plan";
import { reportedByEngine } from "../../service/reportedByEngine";
import { madeOf } from "../../service/whenCreated";
import type { KubernetesDatabase } from "./database";
import type { KubernetesServiceKeys } from "./kubernetesKeys";
import { envVars, givenValues, labels, objectNames, resources, RESTRICTED_CONTAINER, restrictedPod, SecretKey, selector } from "./objects";

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
    /** What the service's objects fail with when an input could not be created (service/inputsGate.ts). */
    failure: ServiceFailure;
}

const STARTUP_PROBE_PERIOD_SECONDS = 5;

/** The waitFor conditions of a finished rollout of `replicas` (see above). */
export function rolledOut(replicas: number): string[] {
    return [
        `jsonpath={.status.updatedReplicas}=${replicas}`,
        `jsonpath={.status.availableReplicas}=${replicas}`,
        `jsonpath={.status.readyReplicas}=${replicas}`,
        // Old pods count in status.replicas until they are gone.
        `jsonpath={.status.replicas}=${replicas}`,
        "condition=Available",
        'jsonpath={.status.conditions[?@.type=="Progressing"].reason}=NewReplicaSetAvailable',
    ];
}

export function createApps(plan: ServicePlan<KubernetesServiceKeys>, args: AppArgs, parent: pulumi.Resource): k8s.apps.v1.Deployment {
    const names = objectNames(plan.name);
    const { port, replicas, health } = plan.args;
    const http = (path: string) => ({ httpGet: { path, port: "http" } });
    const environment = plan.appEnvironment(args.database.jdbcUrl, new SecretKey(names.appSecret, "password"));
    const alongside = afterInputs([args.namespace], args.failure);
    // What it is made of: read through whenCreated by the component (appsUpdated), which must not wait for ever.
    const inputs = [args.namespace, plan.appImage, ...givenValues(environment)];
    const deployment = madeOf(
        new k8s.apps.v1.Deployment(
            `${names.app}-app`,
            {
                metadata: {
                    name: names.app,
                    namespace: args.namespace,
                    labels: labels(plan.name, "app"),
                    annotations: { "pulumi.com/waitFor": JSON.stringify(rolledOut(replicas)) },
                },
                spec: {
                    replicas,
                    selector: { matchLabels: selector(plan.name, "app") },
                    strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
                    template: {
                        metadata: { labels: labels(plan.name, "app") },
                        spec: {
                            securityContext: restrictedPod(plan.args.runAsUser),
                            terminationGracePeriodSeconds: APP_TERMINATION_GRACE_SECONDS,
                            containers: [
                                {
                                    name: "app",
                                    image: plan.appImage,
                                    ports: [{ name: "http", containerPort: port }],
                                    env: envVars(environment, args.database.env),
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
            {
                parent,
                dependsOn: afterInputs(inputs, args.failure, args.dependsOn),
            },
        ),
        inputs,
    );
    reportedByEngine(
        new k8s.core.v1.Service(
            `${names.app}-app-service`,
            {
                metadata: { name: names.app, namespace: args.namespace, labels: labels(plan.name, "app") },
                spec: { selector: selector(plan.name, "app"), ports: [{ name: "http", port, targetPort: "http" }] },
            },
            { parent, dependsOn: alongside },
        ),
    );
    if (replicas >= 2) {
        reportedByEngine(
            new k8s.policy.v1.PodDisruptionBudget(
                `${names.app}-app-budget`,
                {
                    metadata: { name: names.app, namespace: args.namespace, labels: labels(plan.name, "app") },
                    spec: { maxUnavailable: 1, selector: { matchLabels: selector(plan.name, "app") } },
                },
                { parent, dependsOn: alongside },
            ),
        );
    }
    return deployment;
}
