/**
 * The contract phase on Kubernetes, under the engine model: a second ConfigMap and Job that start only once the
 * Deployment's rollout completed (its create or update returns only then: apps.ts, pulumi.com/waitFor), with their own
 * history table; a failed contract Job that leaves the Deployment as it is and is replaced, i.e. run again, by the next
 * update; and objects the Kubernetes schema accepts.
 */
import * as fs from "fs";
import * as path from "path";
import { phaseArgs } from "../../../components/stack/migrateOnly";
import { NAMESPACE } from "../../../tools/lib/repository";
import { FakeEngine, Registration } from "../../support/engineModel/engine";
import { urnMatches } from "../../support/engineModel/targets";
import { evaluate, named, settled } from "../../support/evaluate";
import { copyOfFixture } from "../../support/fixtures";
import { changes, deployStack, kubernetesConfig, RawStack } from "../../support/fixtureStack";
import { kubernetesSchemaProblems } from "../../support/kubernetesSchemas";
import { restrictedViolations } from "../../support/podSecurity";

const deployK8s = (raw: RawStack, projectDir: string) => deployStack(raw, "dev", projectDir);
const envOf = (job: Registration, key: string) =>
    (job.inputs.spec.template.spec.containers[0].env as { name: string; value?: string }[]).find((e) => e.name === key)?.value;
const FAILED_JOB =
    'resource "catalog-migrate-contract" was successfully created, but the Kubernetes API server reported that it failed to fully ' +
    'initialize or become live: [BackoffLimitExceeded] Job has reached the specified backoff limit\ncontainer "flyway" terminated ' +
    "(Error: exit code 1)\nERROR: Migration V1__drop_language.sql failed";

function withContract(): string {
    const project = copyOfFixture();
    fs.mkdirSync(path.join(project, "migrations", "catalog", "contract"));
    fs.writeFileSync(
        path.join(project, "migrations", "catalog", "contract", "V1__drop_language.sql"),
        "ALTER TABLE books DROP COLUMN language;\n",
    );
    return project;
}

describe("the contract phase on Kubernetes", () => {
    it("runs a second Job of the contract migrations once the Deployment's rollout completed", async () => {
        const project = withContract();
        const { registrations, events, errors, result } = await evaluate(deployK8s(kubernetesConfig(), project));
        expect(errors).toEqual([]);
        const job = named(registrations, "catalog-migrate-contract");
        expect(job.dependencies).toContain(named(registrations, "catalog-app").urn);
        expect(events.indexOf("registered catalog-migrate-contract")).toBeGreaterThan(events.indexOf("created catalog-app"));
        expect(envOf(job, "FLYWAY_TABLE")).toBe("flyway_contract_history");
        expect(envOf(job, "FLYWAY_BASELINE_VERSION")).toBe("0");
        expect(envOf(named(registrations, "catalog-migrate"), "FLYWAY_TABLE")).toBeUndefined();
        expect(job.inputs.metadata).toMatchObject({
            name: "catalog-migrate-contract",
            annotations: { "pulumi.com/replaceUnready": "true" },
        });
        const configMap = registrations.find((r) => r.name.startsWith("catalog-contract-migrations-"))!;
        expect(Object.keys(configMap.inputs.data).sort()).toEqual(["V1__drop_language.sql", "afterMigrate__grant_app_role.sql"]);
        expect(job.inputs.spec.template.spec.volumes).toEqual([
            { name: "migrations", configMap: { name: configMap.inputs.metadata.name } },
        ]);
        expect([job, configMap].flatMap(kubernetesSchemaProblems)).toEqual([]);
        expect(restrictedViolations(job)).toEqual([]);
        expect(await settled(result.services.catalog.contract!, "contract")).toBe("applied by Job catalog-migrate-contract");
        // Only the service with contract migrations has a contract Job; the phased commands name exactly its objects.
        expect(
            registrations
                .filter((r) => r.name.includes("contract"))
                .map((r) => r.name)
                .sort(),
        ).toEqual([configMap.name, "catalog-migrate-contract"]);
        const targeted = phaseArgs("contract", NAMESPACE, "dev", ["catalog", "identity"], "kubernetes").filter((a) => a !== "--target");
        expect(
            registrations
                .filter((r) => targeted.some((glob) => urnMatches(glob, r.urn)))
                .map((r) => r.name)
                .sort(),
        ).toEqual([configMap.name, "catalog-migrate-contract"]);
    });

    it("a failed contract Job leaves the Deployment as it is, is the engine's to report, and is run again by the next update", async () => {
        const engine = new FakeEngine();
        const project = withContract();
        const raw = kubernetesConfig();
        const failed = await evaluate(deployK8s(raw, project), { engine, failCreate: { "catalog-migrate-contract": FAILED_JOB } });
        expect(failed.steps["catalog-app"]).toBe("create");
        expect(failed.diagnostics).toEqual([
            { resource: "catalog-migrate-contract", message: expect.stringContaining("V1__drop_language.sql failed") },
        ]);
        expect(failed.errors).toEqual([]);
        expect(await settled(failed.result.services.catalog.contract!, "contract")).toBe("failed: the migration did not complete");
        expect(changes((await evaluate(deployK8s(raw, project), { engine, preview: true })).steps)).toEqual({
            "catalog-migrate-contract": "replace",
        });
        const retried = await evaluate(deployK8s(raw, project), { engine });
        expect(retried.errors).toEqual([]);
        expect(changes(retried.steps)).toEqual({ "catalog-migrate-contract": "replace" });
        expect(changes((await evaluate(deployK8s(raw, project), { engine, preview: true })).steps)).toEqual({});
    });
});
