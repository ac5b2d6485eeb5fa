/**
 * Each kind of change touches only what it must: a deployed fixture stack, one change, and the preview's plan.
 */
import * as fs from "fs";
import * as path from "path";
import { FakeEngine } from "../../support/engineModel/engine";
import { evaluate, named } from "../../support/evaluate";
import { copyOfFixture } from "../../support/fixtures";
import { changes, deployStack, fixtureConfig, RawStack } from "../../support/fixtureStack";

/** Deploys the fixture stack, then previews `changed` against it: what the preview plans, by resource. */
async function planAfter(change: (raw: RawStack, projectDir: string) => void) {
    const engine = new FakeEngine();
    const projectDir = copyOfFixture();
    expect((await evaluate(deployStack(fixtureConfig(), "dev", projectDir), { engine })).errors).toEqual([]);
    const raw = fixtureConfig();
    change(raw, projectDir);
    const preview = await evaluate(deployStack(raw, "dev", projectDir), { engine, preview: true });
    expect(preview.errors).toEqual([]);
    return changes(preview.steps);
}

describe("zero churn", () => {
    it("registers byte-identical inputs for every resource when nothing changed", async () => {
        const inputs = async () => new Map((await evaluate(deployStack())).registrations.map((r) => [r.name, JSON.stringify(r.inputs)]));
        const first = await inputs();
        expect(first.size).toBeGreaterThan(20);
        expect([...(await inputs()).entries()].sort()).toEqual([...first.entries()].sort());
    });
});

describe("change isolation", () => {
    it("a new migration in one service replaces that service's Flyway container and nothing else", async () => {
        const plan = await planAfter((_, dir) =>
            fs.writeFileSync(
                path.join(dir, "migrations", "catalog", "V4__add_copy_notes.sql"),
                "ALTER TABLE copies ADD COLUMN notes text;\n",
            ),
        );
        expect(plan).toEqual({ "catalog-flyway": "replace" });
    });

    it("a new app image replaces only that service's app containers (Flyway does not run again)", async () => {
        const plan = await planAfter((raw) => (raw.services.identity.image = "traefik/whoami:v1.11.1"));
        // The new image is pulled once, as a new image resource.
        expect(plan).toEqual({ "traefik/whoami:v1.11.1": "create", "identity-app-1": "replace", "identity-app-2": "replace" });
    });

    it("raising replicas from 3 to 5 adds exactly two app containers and leaves the first three untouched", async () => {
        expect(await planAfter((raw) => (raw.services.catalog.replicas = 5))).toEqual({
            "catalog-app-4": "create",
            "catalog-app-5": "create",
        });
    });

    it("lowering replicas removes the highest ones", async () => {
        expect(await planAfter((raw) => (raw.services.catalog.replicas = 1))).toEqual({
            "catalog-app-2": "delete",
            "catalog-app-3": "delete",
        });
    });

    it("a new postgres image replaces only that service's database container, and its Flyway run, and keeps its volume", async () => {
        expect(await planAfter((raw) => (raw.services.catalog.postgresImage = "postgres:17.6"))).toEqual({
            "postgres:17.6": "create",
            "catalog-db": "replace",
            // Flyway waits for the new server to accept connections (flywayContainer.ts, `database`); the apps stay.
            "catalog-flyway": "replace",
        });
    });
});

describe("safe replacements", () => {
    it("replaces containers delete-first and keeps the data volume when its resource goes", async () => {
        const { registrations } = await evaluate(deployStack());
        // Two PostgreSQL servers must never share a data directory.
        expect(named(registrations, "catalog-db").deleteBeforeReplace).toBe(true);
        // A replica's name and host port belong to one container at a time.
        expect(named(registrations, "catalog-app-1").deleteBeforeReplace).toBe(true);
        expect(named(registrations, "catalog-app-3").deleteBeforeReplace).toBe(true);
        expect(named(registrations, "catalog-flyway").deleteBeforeReplace).toBe(true);
        expect(named(registrations, "catalog-db-data").retainOnDelete).toBe(true);
    });
});
