import { deployLibraryStack } from "../components/libraryStack";
import { validateStack } from "../components/validateStack";
import { evaluate, promiseOf } from "./support/evaluate";
import { CONTAINER } from "./support/mocks";
import { PROJECT_DIR, rawConfig, stackNames } from "./support/stackFiles";

describe("every stack file in the repository", () => {
    it("includes at least dev and a production-like stack", () => {
        expect(stackNames()).toEqual(expect.arrayContaining(["dev", "prod"]));
    });

    it.each(stackNames())("Pulumi.%s.yaml is valid and deploys every service under mocks", async (stack) => {
        const settings = validateStack(rawConfig(stack), PROJECT_DIR);
        const { registrations, errors, result } = await evaluate(() => deployLibraryStack(settings, stack), { stack });
        expect(errors).toEqual([]);
        for (const service of settings.services) {
            expect(await promiseOf(result.services[service.name].appContainers)).toHaveLength(service.replicas);
        }
        expect(registrations.filter((r) => r.type === CONTAINER).every((r) => r.inputs.name.startsWith(`${stack}-`))).toBe(true);
    });
});

describe("the production-like stack", () => {
    const prod = () => validateStack(rawConfig("prod"), PROJECT_DIR);
    const dev = () => validateStack(rawConfig("dev"), PROJECT_DIR);

    it("runs more replicas than dev", () => {
        for (const service of prod().services) {
            expect(service.replicas).toBeGreaterThan(dev().services.find((s) => s.name === service.name)!.replicas);
        }
    });

    it("pins every image to an exact version (never a bare major, never latest)", () => {
        const settings = prod();
        const images = [settings.postgresImage, settings.flywayImage, ...settings.services.map((s) => s.image)];
        for (const image of images) {
            expect(image).toMatch(/(:v?\d+\.\d+(\.\d+)?$)|(@sha256:[0-9a-f]{64}$)/);
        }
    });

    it("keeps the databases off the host and limits every container", async () => {
        const settings = prod();
        expect(settings.services.map((s) => s.databaseHostPort)).toEqual(settings.services.map(() => undefined));
        const { registrations } = await evaluate(() => deployLibraryStack(settings, "prod"), { stack: "prod" });
        const longRunning = registrations.filter((r) => r.type === CONTAINER && !r.name.endsWith("-flyway"));
        expect(longRunning.length).toBeGreaterThan(0);
        for (const container of longRunning) {
            expect({ name: container.name, memory: container.inputs.memory > 0, cpus: Number(container.inputs.cpus) > 0 }).toEqual({ name: container.name, memory: true, cpus: true });
        }
        expect(registrations.filter((r) => r.name.endsWith("-db")).every((r) => r.inputs.ports.length === 0)).toBe(true);
    });
});
