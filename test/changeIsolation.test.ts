import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { deployLibraryStack } from "../components/libraryStack";
import { ServiceWithMigrations } from "../components/serviceWithMigrations";
import { validateStack } from "../components/validateStack";
import { evaluate } from "./support/evaluate";
import { copyOfRepoMigrations } from "./support/fixtures";
import { PROJECT_DIR, rawConfig } from "./support/stackFiles";

type Inputs = Map<string, string>;
type Raw = { services: Record<string, Record<string, unknown>> } & Record<string, unknown>;

/** Every registered resource's inputs, serialized exactly as registered, by name. */
async function inputsOf(raw: Raw, projectDir = PROJECT_DIR): Promise<Inputs> {
    const { registrations, errors } = await evaluate(() => deployLibraryStack(validateStack(raw, projectDir), "dev"));
    expect(errors).toEqual([]);
    return new Map(registrations.map((r) => [r.name, JSON.stringify(r.inputs)]));
}

/** What a second evaluation changed, added and removed, as `pulumi preview` would list it. */
function diff(before: Inputs, after: Inputs) {
    const names = [...new Set([...before.keys(), ...after.keys()])].sort();
    return {
        changed: names.filter((n) => before.has(n) && after.has(n) && before.get(n) !== after.get(n)),
        added: names.filter((n) => !before.has(n)),
        removed: names.filter((n) => !after.has(n)),
    };
}

const dev = (): Raw => rawConfig("dev") as Raw;

describe("zero churn", () => {
    it("registers byte-identical inputs for every resource when nothing changed", async () => {
        const first = await inputsOf(dev());
        const second = await inputsOf(dev());
        expect(first.size).toBeGreaterThan(20);
        expect([...second.entries()].sort()).toEqual([...first.entries()].sort());
    });
});

describe("change isolation", () => {
    it("a new migration in one service changes that service's Flyway container and nothing else", async () => {
        const project = copyOfRepoMigrations();
        const before = await inputsOf(dev(), project);
        fs.writeFileSync(path.join(project, "migrations", "catalog", "V4__add_copy_notes.sql"), "ALTER TABLE copies ADD COLUMN notes text;\n");
        expect(diff(before, await inputsOf(dev(), project))).toEqual({ changed: ["catalog-flyway"], added: [], removed: [] });
    });

    it("a new app image changes only that service's app containers (Flyway does not run again)", async () => {
        const before = await inputsOf(dev());
        const raw = dev();
        raw.services.identity.image = "traefik/whoami:v1.11.1";
        expect(diff(before, await inputsOf(raw))).toEqual({
            changed: ["identity-app-1", "identity-app-2"],
            added: ["traefik/whoami:v1.11.1"], // the new image, pulled once
            removed: [],
        });
    });

    it("raising replicas from 3 to 5 adds exactly two app containers and leaves the first three untouched", async () => {
        const before = await inputsOf(dev());
        const raw = dev();
        raw.services.catalog.replicas = 5;
        expect(diff(before, await inputsOf(raw))).toEqual({ changed: [], added: ["catalog-app-4", "catalog-app-5"], removed: [] });
    });

    it("lowering replicas removes the highest ones", async () => {
        const before = await inputsOf(dev());
        const raw = dev();
        raw.services.catalog.replicas = 1;
        expect(diff(before, await inputsOf(raw))).toEqual({ changed: [], added: [], removed: ["catalog-app-2", "catalog-app-3"] });
    });

    it("a new postgres image replaces only that service's database container and keeps its volume", async () => {
        const before = await inputsOf(dev());
        const raw = dev();
        raw.services.catalog.postgresImage = "postgres:17.6";
        const changes = diff(before, await inputsOf(raw));
        expect(changes).toEqual({ changed: ["catalog-db"], added: ["postgres:17.6"], removed: [] });
        expect(changes.changed).not.toContain("catalog-db-data");
    });
});

describe("safe replacements", () => {
    it("replaces containers delete-first and keeps the data volume when its resource goes", async () => {
        const options = new Map<string, pulumi.ResourceOptions>();
        const record: pulumi.ResourceTransformation = ({ name, opts }) => {
            options.set(name, opts);
            return undefined;
        };
        await evaluate(() => {
            const settings = validateStack(dev(), PROJECT_DIR);
            const catalog = settings.services.find((s) => s.name === "catalog")!;
            return new ServiceWithMigrations(
                "catalog",
                { network: "library-dev", appImage: catalog.image, postgresImage: "postgres:17", flywayImage: "flyway/flyway:11", migrations: catalog.migrations, replicas: 2, hostPort: 8091 },
                { transformations: [record] },
            );
        });
        const deleteFirst = (name: string) => (options.get(name) as pulumi.CustomResourceOptions | undefined)?.deleteBeforeReplace;
        // Two PostgreSQL servers must never share a data directory.
        expect(deleteFirst("catalog-db")).toBe(true);
        // A replica's name and host port belong to one container at a time.
        expect(deleteFirst("catalog-app-1")).toBe(true);
        expect(deleteFirst("catalog-app-2")).toBe(true);
        expect(deleteFirst("catalog-flyway")).toBe(true);
        expect(options.get("catalog-db-data")?.retainOnDelete).toBe(true);
    });
});
