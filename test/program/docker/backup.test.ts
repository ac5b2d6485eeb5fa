/**
 * The pre-migration backup on Docker, under the engine model: its place in the chain (database healthy → backup exit
 * 0 → Flyway → apps), that it runs exactly when Flyway runs new migrations, and that a failed backup stops only its
 * own service's migration. That a dump restores is proven on a real PostgreSQL (test/sql/backupRestore.test.ts).
 */
import * as fs from "fs";
import * as path from "path";
import { FakeEngine, FlywayResult, Registration } from "../../support/engineModel/engine";
import { evaluate, named, settled } from "../../support/evaluate";
import { copyOfFixture } from "../../support/fixtures";
import { changes, deployStack, fixtureConfig, RawStack } from "../../support/fixtureStack";

/** The fixture with backups on for every service, keeping `keep` dumps. */
function withBackups(keep = 5): RawStack {
    const raw = fixtureConfig();
    for (const service of Object.values(raw.services)) service.backup = { keep };
    return raw;
}

const NEW_MIGRATION = ["V4__add_shelf.sql", "ALTER TABLE copies ADD COLUMN shelf text;\n"] as const;
const DISK_FULL: FlywayResult = {
    exitCode: 1,
    log: [
        "library-backup: dumping database catalog on catalog-db to /backups/catalog-20261125T101500Z-before-V4-0a1b2c3d.dump",
        "pg_dump: error: could not write to output file: No space left on device",
    ].join("\n"),
};

/** A deployed fixture with backups, and a copy of its migrations to change. */
async function deployed() {
    const engine = new FakeEngine();
    const project = copyOfFixture();
    const first = await evaluate(deployStack(withBackups(), "dev", project), { engine });
    expect(first.errors).toEqual([]);
    return { engine, project, first };
}

function addMigration(project: string, service = "catalog") {
    fs.writeFileSync(path.join(project, "migrations", service, NEW_MIGRATION[0]), NEW_MIGRATION[1]);
}

const envOf = (r: Registration, key: string) => (r.inputs.envs as string[]).find((e) => e.startsWith(`${key}=`))?.slice(key.length + 1);

describe("the backup's place in a service's chain", () => {
    it("runs once the database is healthy, and Flyway waits for it, as the apps wait for Flyway", async () => {
        const { first } = await deployed();
        const order = (name: string) => first.events.indexOf(`created ${name}`);
        expect(order("catalog-db")).toBeGreaterThanOrEqual(0);
        expect(order("catalog-db")).toBeLessThan(order("catalog-backup"));
        expect(order("catalog-backup")).toBeLessThan(order("catalog-flyway"));
        expect(order("catalog-flyway")).toBeLessThan(order("catalog-app-1"));
        const backup = named(first.registrations, "catalog-backup");
        expect(backup.dependencies).toContain(named(first.registrations, "catalog-db").urn);
        expect(named(first.registrations, "catalog-flyway").dependencies).toContain(backup.urn);
    });

    it("dumps with the service's own PostgreSQL image into a volume kept on delete, named for the migrations it precedes", async () => {
        const { first } = await deployed();
        const backup = named(first.registrations, "catalog-backup");
        expect(backup.inputs).toMatchObject({
            name: "dev-catalog-backup",
            image: named(first.registrations, "catalog-db").inputs.image,
            attach: true,
            logs: true,
            mustRun: false,
            volumes: [{ volumeName: "dev-catalog-backups", containerPath: "/backups" }],
        });
        expect(envOf(backup, "BACKUP_TAG")).toMatch(/^V3-[0-9a-f]{8}$/);
        expect(envOf(backup, "BACKUP_KEEP")).toBe("5");
        expect(envOf(backup, "PGHOST")).toBe("catalog-db");
        // A dump may take an hour (the provider's own limit on a create is 20 minutes), and so may Flyway its 900 s,
        // each after up to 120 s of waiting for the database's server (postgresContainer.ts, DATABASE_START_SECONDS).
        expect(backup.customTimeouts?.create).toBe("3720s");
        expect(named(first.registrations, "catalog-flyway").customTimeouts?.create).toBe("1020s");
        expect(named(first.registrations, "catalog-backups").retainOnDelete).toBe(true);
    });

    it("tells the operator how to restore, with the real names", async () => {
        const { first } = await deployed();
        const restore = await settled(first.result.services.catalog.restoreBackup!, "catalog's restore command");
        expect(restore).toContain("docker run --rm -v dev-catalog-backups:/backups:ro");
        expect(restore).toContain("docker exec -i dev-catalog-db pg_restore --single-transaction --clean --if-exists");
        expect(restore).toContain("-U catalog_owner -d catalog");
    });

    it("is not there without `backup`", async () => {
        const { registrations, result } = await evaluate(deployStack(fixtureConfig()));
        expect(registrations.map((r) => r.name).filter((n) => n.includes("backup"))).toEqual([]);
        expect(result.services.catalog.restoreBackup).toBeUndefined();
    });
});

describe("when the backup runs", () => {
    async function planAfter(change: (raw: RawStack, project: string) => void) {
        const { engine, project } = await deployed();
        const raw = withBackups();
        change(raw, project);
        const preview = await evaluate(deployStack(raw, "dev", project), { engine, preview: true });
        expect(preview.errors).toEqual([]);
        return changes(preview.steps);
    }

    it("a new migration reruns the backup and then Flyway, in that service only", async () => {
        expect(await planAfter((_, project) => addMigration(project))).toEqual({
            "catalog-backup": "replace",
            "catalog-flyway": "replace",
        });
    });

    it("a new Flyway image reruns both in every service", async () => {
        const plan = await planAfter((raw) => (raw.flywayImage = "flyway/flyway:11.20.3"));
        for (const service of ["identity", "catalog", "reader-lending"]) {
            expect(plan).toMatchObject({ [`${service}-backup`]: "replace", [`${service}-flyway`]: "replace" });
        }
    });

    it("an app image change runs neither", async () => {
        const plan = await planAfter((raw) => (raw.services.catalog.image = "traefik/whoami:v1.11.1"));
        expect(Object.keys(plan).filter((name) => /-(backup|flyway)$/.test(name))).toEqual([]);
    });

    it("a new retention setting takes effect at the next backup and does not run Flyway", async () => {
        expect(await planAfter((raw) => (raw.services.catalog.backup = { keep: 20 }))).toEqual({ "catalog-backup": "replace" });
    });
});

describe("a backup that fails", () => {
    async function failedBackup() {
        const { engine, project } = await deployed();
        addMigration(project);
        const up = await evaluate(deployStack(withBackups(), "dev", project), { engine, exitResults: { "catalog-backup": DISK_FULL } });
        return { engine, project, up };
    }

    it("stops that service's migration with pg_dump's log and the way out, and nothing else", async () => {
        const { up } = await failedBackup();
        expect(up.errors).toHaveLength(1);
        const message = up.errors[0].message;
        expect(message.startsWith("catalog: migrations not run and no app containers created or changed, because ")).toBe(true);
        expect(message).toContain("because its backup before migrating failed with exit code 1. Flyway did not run");
        expect(message).toContain("No space left on device");
        expect(message).toContain("dev-catalog-backups");
        expect(message).toMatch(/pulumi up --replace 'urn:pulumi:dev::library::.*::catalog-backup'/);
        // Flyway never ran, the apps were never touched, and a failed program deletes nothing.
        expect(up.steps["catalog-flyway"]).toBeUndefined();
        expect(up.registrations.map((r) => r.name)).not.toContain("catalog-app-1");
        expect(up.events.filter((e) => /^(deleted|retained) catalog-(db|flyway|app)/.test(e))).toEqual([]);
        expect(await settled(up.result.services.catalog.migration, "catalog")).toBe(
            "not run: its backup before migrating failed with exit code 1",
        );
        expect(await settled(up.result.services.identity.migration, "identity")).toMatch(/^applied|up to date/i);
    });

    it("the next preview warns and plans only Flyway's run; a --replace of the backup runs it and then Flyway", async () => {
        const { engine, project } = await failedBackup();
        const preview = await evaluate(deployStack(withBackups(), "dev", project), { engine, preview: true });
        expect(preview.errors).toEqual([]);
        expect(preview.warnings).toEqual([expect.stringContaining("catalog: migrations not run and no app containers created or changed")]);
        expect(changes(preview.steps)).toEqual({ "catalog-flyway": "replace" });
        // `pulumi up --replace <backup>`, once the disk has room: the backup runs again, and Flyway after it.
        const up = await evaluate(deployStack(withBackups(), "dev", project), { engine, replace: ["catalog-backup"] });
        expect(up.errors).toEqual([]);
        expect(changes(up.steps)).toMatchObject({ "catalog-backup": "replace", "catalog-flyway": "replace" });
    });
});
