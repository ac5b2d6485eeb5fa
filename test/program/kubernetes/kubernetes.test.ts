/**
 * The Kubernetes target under the engine model: every object valid against its schema, selectors that select, the
 * Job before the Deployment, a failed Job, passwords only by reference, and what each kind of change touches.
 */
import * as fs from "fs";
import * as path from "path";
import { migrateOnlyArgs } from "../../../components/stack/migrateOnly";
import { FakeEngine, Registration } from "../../support/engineModel/engine";
import { refreshExcludeCheck, urnMatches } from "../../support/engineModel/targets";
import { NAMESPACE } from "../../../tools/lib/repository";
import { evaluate, named, settled } from "../../support/evaluate";
import { copyOfFixture } from "../../support/fixtures";
import { changes, deployStack, kubernetesConfig, RawStack } from "../../support/fixtureStack";
import { kubernetesSchemaProblems, selects } from "../../support/kubernetesSchemas";
import { restrictedViolations } from "../../support/podSecurity";

const deployK8s = (raw: RawStack = kubernetesConfig(), projectDir?: string) => deployStack(raw, "dev", projectDir);
const ofKind = (registrations: Registration[], kind: string) => registrations.filter((r) => r.type.endsWith(`:${kind}`));
const podLabels = (r: Registration) => r.inputs.spec.template.metadata.labels as Record<string, string>;
const FAILED_JOB =
    'resource "catalog-migrate" was successfully created, but the Kubernetes API server reported that it failed to fully initialize ' +
    'or become live: [BackoffLimitExceeded] Job has reached the specified backoff limit\ncontainer "flyway" terminated ' +
    "(Error: exit code 1)\nERROR: Migration V4__shelves.sql failed";

describe("the Kubernetes target", () => {
    it("creates objects that the Kubernetes schema and CloudNativePG's CRD accept", async () => {
        const { registrations, errors } = await evaluate(deployK8s());
        expect(errors).toEqual([]);
        const objects = registrations.filter((r) => r.type.startsWith("kubernetes:"));
        expect(ofKind(objects, "Cluster")).toHaveLength(3);
        expect(objects.flatMap(kubernetesSchemaProblems)).toEqual([]);
        // Names the target gives everything, each starting with its service's name.
        const named = objects.filter((r) => r.name !== "namespace").map((r) => r.inputs.metadata.name as string);
        expect(named.every((n) => /^(catalog|identity|reader-lending)(-|$)/.test(n))).toBe(true);
        expect(objects.every((r) => r.name === "namespace" || r.inputs.metadata.namespace === "library-dev")).toBe(true);
    });

    it("catches an object the schema refuses (the check is real)", () => {
        const job = {
            type: "kubernetes:batch/v1:Job",
            name: "bad",
            inputs: { metadata: { name: "bad" }, spec: { backoffLimit: "none", template: { spec: { containers: [] } } } },
        };
        expect(kubernetesSchemaProblems(job as unknown as Registration)).toEqual([expect.stringContaining("backoffLimit must be integer")]);
        const cluster = {
            type: "kubernetes:postgresql.cnpg.io/v1:Cluster",
            name: "c",
            inputs: { metadata: { name: "c" }, spec: { instances: 0, storag: {} } },
        };
        expect(kubernetesSchemaProblems(cluster as unknown as Registration)).toEqual(
            expect.arrayContaining([
                expect.stringContaining("must be >= 1"),
                expect.stringContaining("must NOT have additional properties"),
                expect.stringContaining("storage size"),
            ]),
        );
    });

    it("selects the right pods: Deployment, Service, disruption budget and the database's network policy", async () => {
        const { registrations } = await evaluate(deployK8s());
        for (const service of ["catalog", "identity", "reader-lending"]) {
            const deployment = named(registrations, `${service}-app`);
            const pods = podLabels(deployment);
            expect(selects(deployment.inputs.spec.selector.matchLabels, pods)).toBe(true);
            expect(selects(named(registrations, `${service}-app-service`).inputs.spec.selector, pods)).toBe(true);
            expect(selects(named(registrations, `${service}-app-budget`).inputs.spec.selector.matchLabels, pods)).toBe(true);
            const policy = named(registrations, `${service}-db-policy`).inputs.spec;
            // CloudNativePG labels its instance pods cnpg.io/cluster=<cluster> (pkg/specs/pods.go).
            expect(policy.podSelector.matchLabels).toEqual({ "cnpg.io/cluster": `${service}-db` });
            const peers = policy.ingress.flatMap(
                (rule: { from: { podSelector?: { matchLabels: Record<string, string> } }[] }) => rule.from,
            );
            const job = ofKind(registrations, "Job").find((r) => r.name === `${service}-migrate`)!;
            expect(peers.some((p: any) => !p.namespaceSelector && selects(p.podSelector?.matchLabels, pods))).toBe(true);
            expect(peers.some((p: any) => !p.namespaceSelector && selects(p.podSelector?.matchLabels, podLabels(job)))).toBe(true);
            expect(peers.some((p: any) => p.namespaceSelector?.matchLabels["kubernetes.io/metadata.name"] === "cnpg-system")).toBe(true);
            // Nobody else: another service's pods are not let in.
            const other = ofKind(registrations, "Deployment").find((r) => r.name !== `${service}-app`)!;
            expect(peers.some((p: any) => !p.namespaceSelector && selects(p.podSelector?.matchLabels, podLabels(other)))).toBe(false);
        }
    });

    it("runs the migration Job before the Deployment changes, and the Job as the design needs it", async () => {
        const { registrations, events } = await evaluate(deployK8s());
        const job = named(registrations, "catalog-migrate");
        expect(named(registrations, "catalog-app").dependencies).toContain(job.urn);
        expect(events.indexOf("registered catalog-app")).toBeGreaterThan(events.indexOf("created catalog-migrate"));
        expect(job.inputs.spec).toMatchObject({
            backoffLimit: 0,
            activeDeadlineSeconds: 900,
            template: { spec: { restartPolicy: "Never" } },
        });
        expect(job.inputs.spec.ttlSecondsAfterFinished).toBeUndefined();
        expect(job.inputs.spec.template.spec.containers[0]).toMatchObject({
            image: "flyway/flyway:11",
            args: ["migrate"],
            terminationMessagePolicy: "FallbackToLogsOnError",
        });
        expect(job.inputs.metadata.annotations).toEqual({ "pulumi.com/replaceUnready": "true" });
        // Pulumi waits longer than Kubernetes lets the Job run, so the error says DeadlineExceeded.
        expect(job.customTimeouts?.create).toBe("1020s");
        expect(job.replaceOnChanges).toEqual(["spec"]);
        const cluster = named(registrations, "catalog-db");
        expect(cluster.inputs.metadata.annotations).toEqual({ "pulumi.com/waitFor": "condition=Ready" });
        expect(cluster.retainOnDelete).toBe(true);
        expect(cluster.inputs.spec.bootstrap.initdb).toEqual({
            database: "catalog",
            owner: "catalog_owner",
            secret: { name: "catalog-db-owner" },
            postInitSQL: ['ALTER ROLE "catalog_owner" CREATEROLE'],
        });
    });

    it("rolls the apps without going below their replicas, probed on the configured paths", async () => {
        const { registrations } = await evaluate(deployK8s());
        const spec = named(registrations, "catalog-app").inputs.spec;
        expect(spec.replicas).toBe(3);
        expect(spec.strategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
        const app = spec.template.spec.containers[0];
        expect([app.startupProbe.httpGet.path, app.readinessProbe.httpGet.path, app.livenessProbe.httpGet.path]).toEqual([
            "/health",
            "/health",
            "/health",
        ]);
        expect(app.resources).toEqual({ requests: { memory: "512Mi", cpu: "0.5" }, limits: { memory: "512Mi", cpu: "0.5" } });
        const env = Object.fromEntries(app.env.map((e: { name: string; value?: string }) => [e.name, e.value]));
        expect(env).toMatchObject({
            SPRING_FLYWAY_ENABLED: "false",
            SPRING_DATASOURCE_URL: "jdbc:postgresql://catalog-db-rw:5432/catalog",
            SPRING_DATASOURCE_USERNAME: "catalog_app",
            SERVER_PORT: "8080",
        });
        expect(app.startupProbe.httpGet.port).toBe("http");
    });

    it("gives pods passwords only by reference to a Secret", async () => {
        const { registrations } = await evaluate(deployK8s());
        const pods = [...ofKind(registrations, "Deployment"), ...ofKind(registrations, "Job")];
        const env = pods.flatMap((r) => r.inputs.spec.template.spec.containers.flatMap((c: { env: unknown[] }) => c.env)) as {
            name: string;
            value?: string;
            valueFrom?: unknown;
        }[];
        expect(JSON.stringify(pods.map((p) => p.inputs))).not.toContain("mock-password");
        for (const name of ["SPRING_DATASOURCE_PASSWORD", "FLYWAY_PASSWORD", "FLYWAY_PLACEHOLDERS_APP_PASSWORD"]) {
            const vars = env.filter((e) => e.name === name);
            expect(vars.length).toBeGreaterThan(0);
            expect(vars.every((e) => e.value === undefined && (e.valueFrom as any)?.secretKeyRef)).toBe(true);
        }
        expect(named(registrations, "catalog-db-app").inputs.stringData).toEqual({
            username: "catalog_app",
            password: "mock-password-of-catalog-db-app-password",
        });
        expect(named(registrations, "catalog-db-owner").inputs).toMatchObject({
            type: "kubernetes.io/basic-auth",
            stringData: { username: "catalog_owner" },
        });
    });

    it("orders the Jobs of services that wait for others (after)", async () => {
        const raw = kubernetesConfig();
        raw.services["reader-lending"].after = ["catalog"];
        const { registrations } = await evaluate(deployK8s(raw));
        expect(named(registrations, "reader-lending-migrate").dependencies).toContain(named(registrations, "catalog-migrate").urn);
    });

    it("an external database: no Cluster, the connection and the owner from the given Secret", async () => {
        const raw = kubernetesConfig();
        raw.services.catalog.database = { mode: "external", secret: "catalog-managed-db" };
        const { registrations, errors } = await evaluate(deployK8s(raw));
        expect(errors).toEqual([]);
        expect(registrations.map((r) => r.name)).not.toContain("catalog-db");
        const flyway = named(registrations, "catalog-migrate").inputs.spec.template.spec.containers[0].env as {
            name: string;
            value?: string;
            valueFrom?: any;
        }[];
        expect(flyway.slice(0, 3).map((e) => [e.name, e.valueFrom.secretKeyRef])).toEqual([
            ["DATABASE_HOST", { name: "catalog-managed-db", key: "host" }],
            ["DATABASE_PORT", { name: "catalog-managed-db", key: "port" }],
            ["DATABASE_NAME", { name: "catalog-managed-db", key: "dbname" }],
        ]);
        const byName = Object.fromEntries(flyway.map((e) => [e.name, e]));
        expect(byName.FLYWAY_URL.value).toBe("jdbc:postgresql://$(DATABASE_HOST):$(DATABASE_PORT)/$(DATABASE_NAME)");
        expect(byName.FLYWAY_USER.valueFrom.secretKeyRef).toEqual({ name: "catalog-managed-db", key: "username" });
    });
});

describe("migrate-only on Kubernetes", () => {
    it("excludes exactly the Deployments, on a new stack and with --refresh", async () => {
        const engine = new FakeEngine();
        await evaluate(deployK8s(), { engine });
        const args = migrateOnlyArgs(NAMESPACE, "dev", ["catalog", "identity", "reader-lending"], "kubernetes");
        const excludes = args.filter((_, i) => args[i - 1] === "--exclude");
        expect(refreshExcludeCheck(engine.urns(), excludes)).toBeUndefined();
        expect(refreshExcludeCheck([], excludes)).toBeUndefined();
        const excluded = engine.urns().filter((urn) => excludes.some((pattern) => urnMatches(pattern, urn)));
        expect(excluded.sort()).toEqual(
            ["catalog", "identity", "reader-lending"].map((s) =>
                expect.stringMatching(new RegExp(`kubernetes:apps/v1:Deployment::${s}-app$`)),
            ),
        );
    });
});

describe("a migration Job that fails", () => {
    it("leaves that service's Deployment as it is, says why, and lets the other services deploy", async () => {
        const engine = new FakeEngine();
        const project = copyOfFixture();
        await evaluate(deployK8s(kubernetesConfig(), project), { engine });
        fs.writeFileSync(path.join(project, "migrations", "catalog", "V4__shelves.sql"), "ALTER TABLE copies ADD COLUMN shelf text;\n");
        const raw = kubernetesConfig();
        raw.services.catalog.image = raw.services.identity.image = "traefik/whoami:v1.11.1";
        const failed = await evaluate(deployK8s(raw, project), { engine, failCreate: { "catalog-migrate": FAILED_JOB } });
        expect(failed.steps["catalog-app"]).toBeUndefined(); // not registered, so not changed, and a failed run deletes nothing
        expect(failed.steps["identity-app"]).toBe("update");
        // The provider's error, with Flyway's log, is the engine's to print against the Job; the service's once.
        expect(failed.diagnostics).toEqual([
            { resource: "catalog-migrate", message: expect.stringContaining("ERROR: Migration V4__shelves.sql failed") },
        ]);
        expect(failed.errors.map((e) => e.message)).toEqual([
            expect.stringMatching(/^catalog: the migration Job failed, so its Deployment was not created or changed/),
        ]);
        expect(await settled(failed.result.services.catalog.migration, "catalog")).toBe("failed: the migration did not complete");
        expect(engine.resourceNames()).toContain("catalog-app");

        // The failed Job stays, not ready: the next preview shows it replaced (pulumi.com/replaceUnready), and the update
        // runs it again, then rolls the Deployment.
        expect((await evaluate(deployK8s(raw, project), { engine, preview: true })).steps["catalog-migrate"]).toBe("replace");
        const retried = await evaluate(deployK8s(raw, project), { engine });
        expect(retried.errors).toEqual([]);
        const { "catalog-migrate": job, "catalog-app": app, ...rest } = changes(retried.steps);
        expect([job, app]).toEqual(["replace", "update"]);
        // The ConfigMap of the migrations before: kept by the failed run (a failed program deletes nothing), gone now.
        expect(Object.entries(rest)).toEqual([[expect.stringMatching(/^catalog-migrations-/), "delete"]]);
    });
});

describe("a Kubernetes object that cannot be created", () => {
    const FORBIDDEN = 'secrets is forbidden: User "ci" cannot create resource "secrets" in API group "" in the namespace "library-dev"';
    it.each<[string, string, RegExp, string[]]>([
        // Everything of every service is made of the namespace.
        ["the stack's namespace", "namespace", /^not run: its namespace could not be created$/, ["catalog", "identity", "reader-lending"]],
        ["catalog's owner Secret", "catalog-db-owner", /^not run: its database owner's Secret could not be created$/, ["catalog"]],
        ["catalog's app Secret", "catalog-db-app", /^not run: its app role's Secret could not be created$/, ["catalog"]],
        [
            "catalog's database NetworkPolicy",
            "catalog-db-policy",
            /^not run: its database NetworkPolicy could not be created$/,
            ["catalog"],
        ],
        ["catalog's Cluster", "catalog-db", /^not run: its CloudNativePG Cluster could not be created/, ["catalog"]],
        ["catalog's migrations ConfigMap", "catalog-migrations-", /^not run: its migrations' ConfigMap could not be created$/, ["catalog"]],
        ["catalog's migration Job", "catalog-migrate", /^failed: the migration did not complete$/, ["catalog"]],
    ])("%s: the update finishes, says so, and deploys the others", async (_, failing, outcome, failed) => {
        // The ConfigMap's name carries the hash of its content: fail whichever it is.
        const engine = new FakeEngine();
        const name = failing.endsWith("-") ? await configMapOf(engine) : failing;
        const run = await evaluate(deployK8s(), { failCreate: { [name]: FORBIDDEN } });
        expect(run.diagnostics).toEqual([{ resource: name, message: FORBIDDEN }]);
        // Each failed service says so once, against itself, without a stack (evaluate() refuses any other report).
        expect(run.errors.map((e) => e.message).sort()).toEqual(
            failed.map((service) => expect.stringMatching(new RegExp(`^${service}: `))),
        );
        for (const service of ["catalog", "identity", "reader-lending"]) {
            const migration = await settled(run.result.services[service].migration, service);
            expect(migration).toMatch(failed.includes(service) ? outcome : /^applied by Job /);
        }
    });

    async function configMapOf(engine: FakeEngine): Promise<string> {
        const { registrations } = await evaluate(deployK8s(), { engine, preview: true });
        return registrations.find((r) => r.name.startsWith("catalog-migrations-"))!.name;
    }
});

describe("change isolation on Kubernetes", () => {
    async function planAfter(change: (raw: RawStack, projectDir: string) => void) {
        const engine = new FakeEngine();
        const project = copyOfFixture();
        await evaluate(deployK8s(kubernetesConfig(), project), { engine });
        const raw = kubernetesConfig();
        change(raw, project);
        const preview = await evaluate(deployK8s(raw, project), { engine, preview: true });
        expect(preview.errors).toEqual([]);
        return { changed: changes(preview.steps), registrations: preview.registrations };
    }

    it("a new migration changes only that service's ConfigMap and Job, and never its pods", async () => {
        const { changed } = await planAfter((_, dir) =>
            fs.writeFileSync(path.join(dir, "migrations", "catalog", "V4__notes.sql"), "ALTER TABLE copies ADD COLUMN notes text;\n"),
        );
        const configMaps = Object.keys(changed).filter((n) => n.startsWith("catalog-migrations-"));
        expect(configMaps.map((n) => changed[n]).sort()).toEqual(["create", "delete"]);
        expect(Object.fromEntries(Object.entries(changed).filter(([n]) => !configMaps.includes(n)))).toEqual({
            "catalog-migrate": "replace",
        });
    });

    it("a new image changes only that service's Deployment, in place (a rolling update)", async () => {
        expect((await planAfter((raw) => (raw.services.identity.image = "traefik/whoami:v1.11.1"))).changed).toEqual({
            "identity-app": "update",
        });
    });

    it("scaling changes only the Deployment's replicas", async () => {
        const { changed, registrations } = await planAfter((raw) => (raw.services.catalog.replicas = 5));
        expect(changed).toEqual({ "catalog-app": "update" });
        expect(named(registrations, "catalog-app").inputs.spec.replicas).toBe(5);
    });
});

describe("Pod Security and quotas", () => {
    it("every pod meets the restricted profile, which the stack's namespace enforces", async () => {
        const { registrations } = await evaluate(deployK8s());
        const pods = registrations.filter((r) => ["kubernetes:batch/v1:Job", "kubernetes:apps/v1:Deployment"].includes(r.type));
        expect(pods).toHaveLength(6);
        for (const pod of pods)
            expect({ pod: pod.name, violations: restrictedViolations(pod.inputs.spec.template.spec) }).toEqual({
                pod: pod.name,
                violations: [],
            });
        expect(named(registrations, "namespace").inputs.metadata.labels).toMatchObject({
            "pod-security.kubernetes.io/enforce": "restricted",
        });
    });

    it("the check is real: a pod without runAsNonRoot or the hardening is refused", () => {
        const bare = { containers: [{ name: "app", image: "x" }], volumes: [{ name: "h", hostPath: { path: "/" } }] };
        expect(restrictedViolations(bare)).toEqual([
            "volume h is a hostPath",
            "container app does not set allowPrivilegeEscalation: false",
            "container app does not drop ALL capabilities",
            "container app may run as root",
            "container app has no RuntimeDefault or Localhost seccomp profile",
        ]);
    });

    it("the migration's container asks for and is limited to resources, as a namespace with a quota requires", async () => {
        const { registrations } = await evaluate(deployK8s());
        const flyway = named(registrations, "catalog-migrate").inputs.spec.template.spec.containers[0];
        expect(flyway.resources).toEqual({ requests: { cpu: "100m", memory: "384Mi" }, limits: { cpu: "1", memory: "512Mi" } });
    });
});

describe("the rollout's end, and names that stay put", () => {
    it("waits for every replica of the new ReplicaSet, and for the old ones to be gone, not for the provider's default", async () => {
        const { registrations } = await evaluate(deployK8s());
        const waitFor = JSON.parse(named(registrations, "catalog-app").inputs.metadata.annotations["pulumi.com/waitFor"]) as string[];
        expect(waitFor).toEqual(
            expect.arrayContaining([
                "jsonpath={.status.updatedReplicas}=3",
                "jsonpath={.status.availableReplicas}=3",
                "jsonpath={.status.replicas}=3",
                "condition=Available",
            ]),
        );
    });

    it("summarizes the migration with the Job's own name, not the provider's temporary one in a preview", async () => {
        const engine = new FakeEngine();
        const up = await evaluate(deployK8s(), { engine });
        expect(await settled(up.result.services.catalog.migration, "the summary")).toBe("applied by Job catalog-migrate");
    });
});

describe("Kubernetes validation", () => {
    it.each([
        [
            "a Docker host port",
            (raw: RawStack) => (raw.services.catalog.hostPort = 8091),
            "library:services.catalog.hostPort: is read on Docker only",
        ],
        [
            "a Docker rollout mode",
            (raw: RawStack) => (raw.services.catalog.rollout = "parallel"),
            "library:services.catalog.rollout: is read on Docker only; on Kubernetes the Deployment always rolls",
        ],
        [
            "a Docker pre-migration backup",
            (raw: RawStack) => (raw.services.catalog.backup = { keep: 3 }),
            "library:services.catalog.backup: is read on Docker only; on Kubernetes back up with CloudNativePG's own backups",
        ],
        [
            "a Docker healthcheck command",
            (raw: RawStack) => (raw.services.catalog.health = { command: ["CMD", "true"] }),
            "library:services.catalog.health.command: is read on Docker only",
        ],
        [
            "an external database without its Secret",
            (raw: RawStack) => (raw.services.catalog.database = { mode: "external" }),
            "library:services.catalog.database.secret: is required with mode external",
        ],
        [
            "Docker Hub's postgres image",
            (raw: RawStack) => (raw.postgresImage = "postgres:17"),
            "library:postgresImage: 'postgres:17' is Docker Hub's postgres image, which CloudNativePG cannot run",
        ],
        [
            "a Docker-only stack key",
            (raw: RawStack) => (raw.publishAddress = "0.0.0.0"),
            "library:publishAddress: is read on docker only, and this stack's target is kubernetes; remove it",
        ],
        [
            "a namespace Kubernetes refuses",
            (raw: RawStack) => (raw.kubernetes = { namespace: "Library_Dev" }),
            "library:kubernetes.namespace: 'Library_Dev' is not a valid namespace name",
        ],
        [
            "an operator namespace Kubernetes refuses",
            (raw: RawStack) => (raw.kubernetes = { operatorNamespace: "CNPG_System!" }),
            "library:kubernetes.operatorNamespace: 'CNPG_System!' is not a valid namespace name",
        ],
        [
            "a volume of no size",
            (raw: RawStack) => (raw.services.catalog.database = { storage: "0" }),
            "library:services.catalog.database.storage: '0' is no space at all",
        ],
        [
            "a StorageClass name Kubernetes refuses",
            (raw: RawStack) => (raw.services.catalog.database = { storageClass: "Fast SSD" }),
            "library:services.catalog.database.storageClass: 'Fast SSD' is not a valid Kubernetes object name",
        ],
        [
            "an external database's Secret name Kubernetes refuses",
            (raw: RawStack) => (raw.services.catalog.database = { mode: "external", secret: "My_Secret!" }),
            "library:services.catalog.database.secret: 'My_Secret!' is not a valid Kubernetes object name",
        ],
        [
            "a Cluster's sizing on an external database",
            (raw: RawStack) => (raw.services.catalog.database = { mode: "external", secret: "catalog-db", instances: 3 }),
            "library:services.catalog.database.instances: is read with mode cloudnative-pg only",
        ],
        [
            "a service whose app Service is another's database Service",
            (raw: RawStack) => (raw.services["catalog-db-rw"] = { ...raw.services.catalog }),
            "library:services.catalog-db-rw: the Service 'catalog-db-rw' would be both catalog's",
        ],
    ])("refuses %s before registering anything", async (_, change, message) => {
        const raw = kubernetesConfig();
        change(raw);
        const { registrations } = await evaluate(() => expect(deployK8s(raw)).toThrow(message));
        expect(registrations).toEqual([]);
    });

    it("refuses Kubernetes-only keys on Docker", () => {
        const raw = kubernetesConfig();
        delete raw.target;
        delete raw.postgresImage;
        raw.services.catalog.database = { instances: 3 };
        raw.kubernetes = { namespace: "library" };
        expect(deployK8s(raw)).toThrow(
            /library:kubernetes: is read on kubernetes only[\s\S]*library:services\.catalog\.database: is read on Kubernetes only/,
        );
    });

    it("refuses migrations that do not fit a ConfigMap", async () => {
        const project = copyOfFixture();
        fs.writeFileSync(path.join(project, "migrations", "catalog", "V4__seed.sql"), `-- ${"x".repeat(1024 * 1024)}\nSELECT 1;\n`);
        expect(deployK8s(kubernetesConfig(), project)).toThrow(
            /library:services\.catalog\.migrations: .* KiB of migrations do not fit the 1 MiB of a ConfigMap/,
        );
    });
});
