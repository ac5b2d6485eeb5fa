/**
 * The stack files in the repository: each is valid, deploys every service, and a second run against it changes
 * nothing; the production-like one is stricter than dev.
 */
import { validateStack } from "../../components/config/validateStack";
import { deployLibraryStack } from "../../components/stack/libraryStack";
import { FakeEngine } from "../support/engineModel/engine";
import { CONTAINER } from "../support/engineModel/providers";
import { NAMESPACE, PROJECT_DIR, rawConfig, stackNames } from "../../tools/lib/repository";
import { evaluate, promiseOf } from "../support/evaluate";
import { changes } from "../support/fixtureStack";
import { kubernetesSchemaProblems } from "../support/kubernetesSchemas";

const settingsOf = (stack: string) => validateStack(rawConfig(stack), PROJECT_DIR, NAMESPACE);

describe("every stack file in the repository", () => {
    it("includes at least dev and a production-like stack", () => {
        expect(stackNames()).toEqual(expect.arrayContaining(["dev", "prod"]));
    });

    it.each(stackNames())("Pulumi.%s.yaml is valid and deploys every service under the engine model", async (stack) => {
        const settings = settingsOf(stack);
        const { registrations, errors, result } = await evaluate(() => deployLibraryStack(settings, stack), { stack });
        expect(errors).toEqual([]);
        for (const service of settings.services) {
            // Docker: one container per replica; Kubernetes: the Deployment.
            const apps = await promiseOf(result.services[service.name].appContainers);
            expect(apps).toHaveLength(settings.target === "docker" ? service.replicas : 1);
        }
        expect(registrations.filter((r) => r.type === CONTAINER).every((r) => r.inputs.name.startsWith(`${stack}-`))).toBe(true);
        expect(registrations.filter((r) => r.type.startsWith("kubernetes:")).flatMap(kubernetesSchemaProblems)).toEqual([]);
    });

    it.each(stackNames())("Pulumi.%s.yaml: the preview and the update after a deploy change nothing", async (stack) => {
        const engine = new FakeEngine();
        const program = () => deployLibraryStack(settingsOf(stack), stack);
        expect((await evaluate(program, { engine, stack })).errors).toEqual([]);
        const preview = await evaluate(program, { engine, stack, preview: true });
        expect(preview.errors).toEqual([]);
        expect(changes(preview.steps)).toEqual({});
        expect(changes((await evaluate(program, { engine, stack })).steps)).toEqual({});
    });
});

describe("the production-like stack", () => {
    it("runs more replicas than dev", () => {
        const dev = settingsOf("dev");
        for (const service of settingsOf("prod").services) {
            expect(service.replicas).toBeGreaterThan(dev.services.find((s) => s.name === service.name)!.replicas);
        }
    });

    it("pins every image to an exact version (never a bare major, never latest)", () => {
        const settings = settingsOf("prod");
        const images = [settings.postgresImage, settings.flywayImage, ...settings.services.map((s) => s.image)];
        for (const image of images) {
            // A version, with at most a variant after it (1.28.0-alpine); or a digest.
            expect(image).toMatch(/(:v?\d+\.\d+(\.\d+)?(-[a-z][a-z0-9.]*)?$)|(@sha256:[0-9a-f]{64}$)/);
        }
    });

    it("keeps the databases off the host and limits every container", async () => {
        const settings = settingsOf("prod");
        expect(settings.services.map((s) => s.databaseHostPort)).toEqual(settings.services.map(() => undefined));
        const { registrations } = await evaluate(() => deployLibraryStack(settings, "prod"), { stack: "prod" });
        // One-shot containers (Flyway, the backup) exit within the deploy.
        const longRunning = registrations.filter((r) => r.type === CONTAINER && !r.inputs.attach);
        expect(longRunning.length).toBeGreaterThan(0);
        for (const container of longRunning) {
            expect({ name: container.name, memory: container.inputs.memory > 0, cpus: Number(container.inputs.cpus) > 0 }).toEqual({
                name: container.name,
                memory: true,
                cpus: true,
            });
        }
        expect(registrations.filter((r) => r.name.endsWith("-db")).every((r) => r.inputs.ports.length === 0)).toBe(true);
    });

    it("rolls its apps and backs up every database before each migration run", () => {
        for (const service of settingsOf("prod").services) {
            expect({ name: service.name, rollout: service.rollout ?? "rolling", backup: service.backup !== undefined }).toEqual({
                name: service.name,
                rollout: "rolling",
                backup: true,
            });
        }
    });
});
