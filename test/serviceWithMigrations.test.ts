import { deployLibraryStack } from "../components/libraryStack";
import { validateStack } from "../components/validateStack";
import { CONTAINER } from "./support/mocks";
import { evaluate, named } from "./support/evaluate";
import { PROJECT_DIR, rawConfig } from "./support/stackFiles";

const devSettings = () => validateStack(rawConfig("dev"), PROJECT_DIR);

describe("ServiceWithMigrations on the dev stack", () => {
    it("registers database, flyway and replicas per service", async () => {
        const { registrations, errors } = await evaluate(() => deployLibraryStack(devSettings(), "dev"));
        expect(errors).toEqual([]);
        const containers = registrations.filter((r) => r.type === CONTAINER).map((r) => r.name).sort();
        expect(containers).toEqual([
            "catalog-app-1", "catalog-app-2", "catalog-app-3", "catalog-db", "catalog-flyway",
            "identity-app-1", "identity-app-2", "identity-db", "identity-flyway",
            "reader-lending-app-1", "reader-lending-app-2", "reader-lending-db", "reader-lending-flyway",
        ]);
        const flyway = named(registrations, "catalog-flyway").inputs;
        expect(flyway.attach).toBe(true);
        expect(flyway.mustRun).toBe(false);
    });
});
