/**
 * The program deployed for real: the Pulumi CLI, its Node.js language host and the docker and random providers, on a
 * real Docker engine, through a stack's whole life. Every assertion reads what Pulumi, Docker (inspect, events) or
 * PostgreSQL report, not only the program's own outputs. The steps run in order on one stack; a step after a failed
 * one fails at once rather than run on a stack in an unknown state.
 *
 * The environment chooses the images (support/images.ts) and the toolchain (support/pulumiCli.ts); see docs/testing.md,
 * "The real-engine test".
 */
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { Client } from "pg";
import { withClient } from "../../tools/lib/pgClient";
import { PROJECT_DIR } from "../../tools/lib/repository";
import {
    ContainerEvent,
    containers,
    docker,
    DockerEngine,
    dockerEngine,
    envOf,
    volumes,
    watchContainerEvents,
} from "./support/dockerEngine";
import { StackImages, stackImages } from "./support/images";
import { get, probeWhile } from "./support/probe";
import { CommandResult, pulumiToolchain, runCommand, succeeded } from "./support/pulumiCli";
import { devStackConfig, RealStack } from "./support/realStack";
import { ServiceView } from "./support/serviceView";

const SERVICES = ["identity", "catalog", "reader-lending"] as const;

let engine: DockerEngine | undefined;
let images: StackImages | undefined;
let stack: RealStack;
let workDir: string;
const view = (service: string) => new ServiceView(stack, service);
/** Container ids by name, now. */
const ids = () => new Map([...containers(stack.prefix)].map(([name, info]) => [name, info.Id]));

/** Steps share one stack: once one fails, the rest say so instead of running on a stack in an unknown state. */
let failedStep: string | undefined;
const commandTimes: string[] = [];
function step(name: string, body: () => Promise<void>, timeoutMinutes = 10): void {
    it(
        name,
        async () => {
            if (failedStep) throw new Error(`not run: the earlier step "${failedStep}" failed`);
            try {
                await body();
            } catch (error) {
                failedStep = name;
                throw error;
            }
        },
        timeoutMinutes * 60_000,
    );
}
/** Runs a Pulumi (or npm) command and keeps its time for the summary. */
async function timed(what: string, command: Promise<CommandResult>): Promise<CommandResult> {
    const result = await command;
    commandTimes.push(`${what}: ${result.seconds.toFixed(1)} s (exit ${result.code})`);
    return result;
}

/**
 * What a failure must never look like: a JavaScript stack, an error filed under the stack itself, the SDK's own
 * "Running program … failed with an unhandled exception", or its "resource … failed to register".
 */
function expectNoProgramCrash(output: string): void {
    expect(output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    // Under --continue-on-error the engine itself closes with "error: update failed" under the stack; nothing else may.
    const underStack = /pulumi:pulumi:Stack \([^)]*\):\n((?:\s+(?:warning|error): .*\n)*)/.exec(output)?.[1] ?? "";
    expect(underStack.split("\n").filter((line) => /^\s+error: /.test(line) && !/^\s+error: update failed$/.test(line))).toEqual([]);
    expect(output).not.toContain("Error: catalog:");
    expect(output).not.toContain("Running program");
    expect(output).not.toContain("failed to register");
    expect(output).not.toContain("error serializing property");
}

/** A TCP server on 127.0.0.1:`port`, holding it. */
function listenOn(port: number): Promise<net.Server> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(port, "127.0.0.1", () => resolve(server));
    });
}

/** The first event of `action` on container `name`. */
function eventOf(events: ContainerEvent[], name: string, action: string): ContainerEvent {
    const found = events.find((e) => e.name === name && e.action === action);
    if (!found)
        throw new Error(
            `Docker reported no "${action}" event for ${name}; events seen: ${events.map((e) => `${e.name} ${e.action}`).join(", ")}`,
        );
    return found;
}

beforeAll(async () => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), "library-real-"));
    engine = await dockerEngine();
    const toolchain = pulumiToolchain(PROJECT_DIR);
    const dev = devStackConfig();
    images = await stackImages(workDir, {
        postgresImage: dev.postgresImage,
        flywayImage: dev.flywayImage,
        appImage: dev.services.catalog.image,
    });
    stack = await RealStack.create(workDir, toolchain, images);
    console.log(
        `real engine: ${toolchain.version}, Docker ${engine.version}, ${images.kind} images ` +
            `(${images.postgres}, ${images.flyway}, ${images.app}); stack ${stack.name} in ${stack.dir}`,
    );
}, 30 * 60_000);

afterAll(async () => {
    const problems: string[] = [];
    if (stack) problems.push(...(await stack.remove()));
    await images?.stop();
    await engine?.stop();
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
    console.log(`command times:\n  ${commandTimes.join("\n  ")}`);
    if (problems.length > 0) throw new Error(`cleaning up the real stack:\n${problems.join("\n")}`);
}, 10 * 60_000);

describe("the program on a real Docker engine", () => {
    step("1. first up: each service's apps are created only after its own Flyway exited 0; least privilege; localhost only", async () => {
        const watch = watchContainerEvents(stack.prefix);
        // A user's first `pulumi up`: the preview, then the update.
        const firstUp = succeeded(await timed("first up (with its preview)", stack.pulumi(["up", "--yes", "--stack", stack.name])));
        const events = await watch.stop();
        // Every stack output has a value: none is left out with "Undefined value (…) will not show as a stack output".
        expect(firstUp.output).not.toContain("will not show as a stack output");
        const outputs = await stack.outputs();
        for (const service of SERVICES) {
            const { names } = view(service);
            const flywayExit = eventOf(events, names.flyway, "die");
            expect({ service, exitCode: flywayExit.attributes.exitCode }).toEqual({ service, exitCode: "0" });
            // Flyway starts with its database, without waiting for its healthcheck (postgresContainer.ts), and still
            // applies everything: it connects once the server listens. Every replica is created after Flyway exited.
            expect(eventOf(events, names.database, "start").timeNano).toBeLessThan(eventOf(events, names.flyway, "create").timeNano);
            // A fresh data directory takes seconds of initdb; Flyway is created well before its first healthcheck passes.
            expect(eventOf(events, names.flyway, "create").timeNano).toBeLessThan(
                eventOf(events, names.database, "health_status: healthy").timeNano,
            );
            for (const app of names.apps) expect(eventOf(events, app, "create").timeNano).toBeGreaterThan(flywayExit.timeNano);
            expect(outputs.services[service].migration).toBe("applied 3 migrations, now at version 3");
            expect(outputs.services[service].appContainers).toEqual(names.apps);
            expect(outputs.services[service].appsUpdated).toBe(true);
            expect(await view(service).history()).toHaveLength(3);
        }
        // The apps' role may read and write rows, and nothing more: PostgreSQL refuses it DDL.
        await withClient(view("catalog").appLogin(), async (client) => {
            await client.query("INSERT INTO authors (full_name) VALUES ('Ursula K. Le Guin')");
            await expect(client.query("CREATE TABLE intruder (id int)")).rejects.toThrow(/permission denied for schema public/);
            await expect(client.query("DROP TABLE authors")).rejects.toThrow(/must be owner of table authors/);
        });
        // Every published port listens on 127.0.0.1 only.
        const bindings = [...containers(stack.prefix).values()].flatMap((info) =>
            Object.values(info.HostConfig.PortBindings ?? {}).flatMap((list) => list.map((b) => `${info.Name} ${b.HostIp}:${b.HostPort}`)),
        );
        const replicas = Object.values(stack.config.services).reduce((sum, s) => sum + s.replicas, 0);
        expect(bindings.length).toBe(replicas + SERVICES.length); // every replica, and every database
        for (const binding of bindings) expect(binding).toMatch(/ 127\.0\.0\.1:\d+$/);
    });

    step("2. nothing changed: preview, a second up, and refresh then preview change nothing", async () => {
        const before = ids();
        succeeded(await timed("preview, no changes", stack.preview("--expect-no-changes")));
        succeeded(await timed("second up", stack.up("--expect-no-changes")));
        succeeded(
            await timed("refresh", stack.pulumi(["refresh", "--yes", "--skip-preview", "--expect-no-changes", "--stack", stack.name])),
        );
        succeeded(await timed("preview after refresh", stack.preview("--expect-no-changes")));
        expect(ids()).toEqual(before);
    });

    step("3. a new migration replaces exactly that service's Flyway container", async () => {
        stack.addMigration("catalog", "V4__add_book_subtitle.sql", "ALTER TABLE books ADD COLUMN subtitle text;\n");
        expect(await stack.plannedChanges()).toEqual({ "catalog-flyway": ["replace"] });
        const before = ids();
        succeeded(await timed("up, new migration", stack.up()));
        const after = ids();
        const changed = [...after.keys()].filter((name) => after.get(name) !== before.get(name));
        expect(changed).toEqual([view("catalog").names.flyway]);
        expect((await stack.outputs()).services.catalog.migration).toBe("applied 1 migration, now at version 4");
        expect((await view("catalog").history()).map((line) => line.split(" ")[2])).toContain("V4__add_book_subtitle.sql");
    });

    step(
        "4. a failing migration: the error names the service, exit code and log, on the Flyway container, without a stack trace",
        async () => {
            const catalog = view("catalog");
            const before = ids();
            stack.addMigration("catalog", "V5__fill_shelves.sql", "UPDATE shelves SET label = 'A1';\n");
            const failed = await timed("up, failing migration", stack.up());
            expect(failed.code).not.toBe(0);
            // Attributed to the Flyway container, in Pulumi's diagnostics, with Flyway's own log and the way out.
            const attributed = /docker:index:Container \(catalog-flyway\):\n\s+error: catalog: Flyway migration failed with exit code 1, /;
            expect(failed.output).toMatch(attributed);
            expect(failed.output).toContain("so its 3 app containers were not created or changed");
            expect(failed.output).toContain('relation "shelves" does not exist');
            expect(failed.output).toContain("pulumi up --replace 'urn:pulumi:");
            expectNoProgramCrash(failed.output);
            // Only catalog's Flyway container was replaced; its running replicas and the other services are untouched.
            const after = ids();
            expect([...after.keys()].filter((name) => after.get(name) !== before.get(name))).toEqual([catalog.names.flyway]);
            for (const app of catalog.names.apps) expect(catalog.container(app).State.Running).toBe(true);
            expect((await Promise.all(catalog.appPorts.map(get))).every((body) => body !== undefined)).toBe(true);

            // The same failure under --continue-on-error, where the engine answers the program's registrations itself
            // (result FAIL): still once, on the Flyway container, with no stack and no "failed to register" of the SDK's;
            // the outputs say the apps were left as they were, under their names.
            const continued = await timed("up --continue-on-error, failing migration", stack.up("--continue-on-error"));
            expect(continued.code).not.toBe(0);
            expect(continued.output).toMatch(attributed);
            expectNoProgramCrash(continued.output);
            const afterFailure = (await stack.outputs()).services.catalog;
            expect({ apps: afterFailure.apps, updated: afterFailure.appsUpdated }).toEqual({ apps: catalog.names.apps, updated: false });
            for (const app of catalog.names.apps) expect(catalog.container(app).State.Running).toBe(true);

            // The next preview succeeds and says what the update will do about it.
            const preview = succeeded(await timed("preview after the failure", stack.preview()));
            expect(preview.output).toContain(
                "catalog: the last Flyway run failed with exit code 1 and nothing in this change runs it again",
            );

            // Removing the file recovers.
            stack.removeMigration("catalog", "V5__fill_shelves.sql");
            succeeded(await timed("up, failing migration removed", stack.up()));
            expect((await stack.outputs()).services.catalog.migration).toBe("up to date at version 4");
            expect(catalog.container(catalog.names.flyway).State.ExitCode).toBe(0);
        },
    );

    step("4b. a container that cannot be created, under --continue-on-error: the provider's error on it, once, and no stack", async () => {
        const catalog = view("catalog");
        const settings = stack.config.services.catalog;
        // A fourth replica, on a host port something else listens on.
        const taken = await listenOn(settings.hostPort + settings.replicas);
        try {
            settings.replicas += 1;
            stack.writeConfig();
            const failed = await timed("up --continue-on-error, a host port taken", stack.up("--continue-on-error"));
            expect(failed.code).not.toBe(0);
            expect(failed.output).toMatch(
                /docker:index:Container \(catalog-app-4\):\n\s+error: .*(address already in use|port is already allocated)/,
            );
            expectNoProgramCrash(failed.output);
            const outputs = (await stack.outputs()).services;
            expect(outputs.catalog.appsUpdated).toBe(false);
            expect(outputs.identity.appsUpdated).toBe(true);
            for (const app of catalog.names.apps.slice(0, 3)) expect(catalog.container(app).State.Running).toBe(true);
        } finally {
            await new Promise((resolve) => taken.close(resolve));
            settings.replicas -= 1;
            stack.writeConfig();
        }
        // Back to three replicas: the failed fourth goes, and nothing else changes.
        succeeded(await timed("up, back to three replicas", stack.up()));
        expect((await stack.outputs()).services.catalog.appsUpdated).toBe(true);
    });

    step("5. a rolling app image change keeps at least N-1 of N replicas serving", async () => {
        const catalog = view("catalog");
        const others = ids();
        stack.config.services.catalog.image = images!.nextApp;
        stack.writeConfig();
        const watch = watchContainerEvents(stack.prefix);
        const { result, rounds } = await probeWhile(catalog.appPorts, timed("up, rolling image change", stack.up()));
        succeeded(result);
        const serving = rounds.map((round) => round.answers.filter((a) => a !== undefined).length);
        // Probed throughout, and never more than one replica down at once.
        expect(rounds.length).toBeGreaterThan(10);
        expect(Math.min(...serving)).toBeGreaterThanOrEqual(2);
        const releases = new Set(rounds.flatMap((round) => round.answers.filter((a): a is string => a !== undefined)));
        expect(releases.size).toBeGreaterThanOrEqual(2); // the old release and the new one both served during the change
        // Every replica runs the new image, and each was created only once the one before it was healthy again.
        const events = await watch.stop();
        for (let i = 2; i <= catalog.names.apps.length; i++) {
            const previousHealthy = eventOf(events, catalog.names.app(i - 1), "health_status: healthy").timeNano;
            const destroyed = events.find((e) => e.name === catalog.names.app(i) && e.action === "destroy")!.timeNano;
            expect(destroyed).toBeGreaterThan(previousHealthy);
        }
        const now = ids();
        for (const app of catalog.names.apps) expect(now.get(app)).not.toBe(others.get(app));
        expect([...now.keys()].filter((name) => !name.startsWith(catalog.dockerName) && now.get(name) !== others.get(name))).toEqual([]);
        const answers = await Promise.all(catalog.appPorts.map(get));
        expect(new Set(answers).size).toBe(1);
        expect(answers[0]).not.toBe(rounds[0].answers[0]);
    });

    step(
        "5b. contract migrations: a column renamed across releases with 3 replicas serving, the old one dropped once no old replica " +
            "is left; the drop refused in the expand phase; a failed contract run, run again by the next up",
        async () => {
            const catalog = view("catalog");
            const settings = stack.config.services.catalog;
            const contractRun = `${catalog.dockerName}-flyway-contract`;
            // Short, so that a contract run queued behind a transaction gives up soon.
            settings.migrationLockTimeoutSeconds = 3;
            /** A release of the SQL app: what it runs on the database on every request. */
            const release = (name: string, sql: string) => {
                settings.image = images!.sqlApp;
                settings.health = { livenessPath: "/ready", readinessPath: "/ready" };
                settings.env = { ...settings.env, APP_RELEASE: name, APP_SQL: sql };
                stack.writeConfig();
            };
            const columns = async () =>
                withClient(catalog.ownerLogin(), async (c) =>
                    (
                        await c.query<{ name: string }>(
                            "SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'labels' " +
                                "ORDER BY ordinal_position",
                        )
                    ).rows.map((r) => r.name),
                );

            // Release 1: the labels table, and an app that writes and reads its `code`.
            stack.addMigration("catalog", "V6__create_labels.sql", LABELS_V6);
            release("1", "INSERT INTO labels (code) VALUES ('from release 1'); SELECT count(code) FROM labels");
            succeeded(await timed("up, release 1 of the rename", stack.up()));
            expect(await Promise.all(catalog.appPorts.map(get))).toEqual(["release 1", "release 1", "release 1"]);

            // The drop, in the expand phase: refused before anything is registered, pointing to the contract folder.
            stack.addMigration("catalog", "V7__drop_label_code.sql", "ALTER TABLE labels DROP COLUMN code;\n");
            const refused = await timed("preview, a drop in the expand phase", stack.preview());
            expect(refused.code).not.toBe(0);
            expect(refused.output).toContain("V7__drop_label_code.sql:1: ban-drop-column");
            expect(refused.output).toContain("then drop it in the service's contract/ folder, whose migrations run once every replica");
            stack.removeMigration("catalog", "V7__drop_label_code.sql");

            // Release 2: the new column, kept in step with the old by a trigger, and backfilled (expand); an app that
            // writes and reads only `name`; and the old column dropped once no replica of release 1 is left (contract).
            stack.addMigration("catalog", "V7__add_label_name.sql", LABELS_V7);
            stack.addMigration("catalog", "contract/V1__drop_label_code.sql", LABELS_CONTRACT_V1);
            release("2", "INSERT INTO labels (name) VALUES ('from release 2'); SELECT count(name) FROM labels");
            const preview = succeeded(await timed("preview, release 2 with its contract phase", stack.preview()));
            expect(preview.output).toContain(
                "catalog: this update runs, in order, each once the one before succeeded: the migrations; then the rollout of 3 " +
                    "replicas; then the contract migrations not applied yet of contract/V1__drop_label_code.sql",
            );
            const watch = watchContainerEvents(stack.prefix);
            const { result, rounds } = await probeWhile(catalog.appPorts, timed("up, release 2 with its contract phase", stack.up()));
            succeeded(result);
            const events = await watch.stop();
            // No request failed, from either release: every answer of every replica was a 200.
            const answers = rounds.flatMap((round) => round.responses.filter((r) => r !== undefined));
            expect(answers.filter((a) => a.status !== 200)).toEqual([]);
            expect(new Set(answers.map((a) => a.body))).toEqual(new Set(["release 1", "release 2"]));
            expect(Math.min(...rounds.map((round) => round.answers.filter((a) => a !== undefined).length))).toBeGreaterThanOrEqual(2);
            // The contract run started only once every replica of release 1 was gone and the last of release 2 healthy.
            const contractCreated = eventOf(events, contractRun, "create").timeNano;
            for (const app of catalog.names.apps) expect(eventOf(events, app, "destroy").timeNano).toBeLessThan(contractCreated);
            expect(eventOf(events, catalog.names.app(3), "health_status: healthy").timeNano).toBeLessThan(contractCreated);
            expect(eventOf(events, contractRun, "die").attributes.exitCode).toBe("0");
            expect(await columns()).toEqual(["id", "name"]);
            expect((await stack.outputs()).services.catalog.contract).toBe("applied 1 migration, now at version 1");
            expect(new Set(await Promise.all(catalog.appPorts.map(get)))).toEqual(new Set(["release 2"]));

            // A contract run that fails: a transaction of the new release holds the table, and the contract migration
            // waits for it past the lock timeout. The new release keeps serving; the error names the file and the log.
            stack.addMigration("catalog", "contract/V2__require_label_name.sql", "ALTER TABLE labels ALTER COLUMN name SET NOT NULL;\n");
            const holder = new Client(catalog.ownerLogin());
            await holder.connect();
            try {
                await holder.query("BEGIN");
                await holder.query("SELECT count(*) FROM labels");
                const failed = await timed("up, a contract run behind a lock", stack.up());
                expect(failed.code).not.toBe(0);
                expect(failed.output).toMatch(
                    new RegExp(
                        "docker:index:Container \\(catalog-flyway-contract\\):\n\\s+error: catalog: the contract migrations failed in " +
                            "contract/V2__require_label_name\\.sql",
                    ),
                );
                expect(failed.output).toContain("canceling statement due to lock timeout");
                expect(failed.output).toContain("The next `pulumi up` runs the contract phase again");
                expectNoProgramCrash(failed.output);
                await holder.query("COMMIT");
            } finally {
                await holder.end();
            }
            const afterFailure = (await stack.outputs()).services.catalog;
            expect({ contract: afterFailure.contract, appsUpdated: afterFailure.appsUpdated }).toEqual({
                contract: "failed with exit code 1",
                appsUpdated: true,
            });
            expect(new Set(await Promise.all(catalog.appPorts.map(get)))).toEqual(new Set(["release 2"]));

            // Run again by the next up, with nothing changed; then nothing is left to do.
            expect(await stack.plannedChanges()).toEqual({ "catalog-flyway-contract": ["replace"] });
            succeeded(await timed("up, the contract run again", stack.up()));
            expect((await stack.outputs()).services.catalog.contract).toBe("applied 1 migration, now at version 2");
            succeeded(await timed("preview after the contract phase", stack.preview("--expect-no-changes")));
        },
    );

    step("6. destroy, then up on the retained volumes: the data is there, the new passwords work, nothing migrates twice", async () => {
        const histories = Object.fromEntries(await Promise.all(SERVICES.map(async (s) => [s, await view(s).history()] as const)));
        const oldLogin = { owner: view("catalog").ownerLogin(), app: view("catalog").appLogin() };
        succeeded(await timed("destroy", stack.pulumi(["destroy", "--yes", "--skip-preview", "--stack", stack.name])));
        expect([...containers(stack.prefix).keys()]).toEqual([]);
        expect(volumes(stack.prefix).sort()).toEqual(SERVICES.map((s) => `${stack.prefix}${s}-db-data`).sort());

        succeeded(await timed("up on the retained volumes", stack.up()));
        const outputs = await stack.outputs();
        for (const service of SERVICES) {
            expect(await view(service).history()).toEqual(histories[service]);
            expect(outputs.services[service].migration).toMatch(/^up to date at version \d+$/);
        }
        const newLogin = { owner: view("catalog").ownerLogin(), app: view("catalog").appLogin() };
        expect(newLogin.owner.password).not.toBe(oldLogin.owner.password);
        expect(newLogin.app.password).not.toBe(oldLogin.app.password);
        const authors = await withClient(newLogin.app, (c) => c.query<{ full_name: string }>("SELECT full_name FROM authors"));
        expect(authors.rows.map((r) => r.full_name)).toEqual(["Ursula K. Le Guin"]);
        await expect(withClient(oldLogin.owner, async () => "in")).rejects.toThrow(/password authentication failed/);
        await expect(withClient(oldLogin.app, async () => "in")).rejects.toThrow(/password authentication failed/);
    });

    step("7. migrate-only applies a migration and leaves the apps alone", async () => {
        const identity = view("identity");
        stack.addMigration("identity", "V4__add_user_locale.sql", "ALTER TABLE users ADD COLUMN locale text;\n");
        stack.config.services.identity.env = { ...stack.config.services.identity.env, LIBRARY_RELEASE: "next" };
        stack.writeConfig();
        const before = ids();
        succeeded(await timed("migrate-only", stack.npm("migrate", ["--stack", stack.name, "--yes"])));
        const after = ids();
        expect([...after.keys()].filter((name) => after.get(name) !== before.get(name))).toEqual([identity.names.flyway]);
        expect((await identity.history()).map((line) => line.split(" ")[2])).toContain("V4__add_user_locale.sql");
        for (const app of identity.names.apps) expect(envOf(identity.container(app), "LIBRARY_RELEASE")).toBeUndefined();

        // The full up that follows rolls out the apps, and does not run Flyway again.
        succeeded(await timed("up after migrate-only", stack.up()));
        const rolled = ids();
        expect([...rolled.keys()].filter((name) => rolled.get(name) !== after.get(name)).sort()).toEqual([...identity.names.apps].sort());
        for (const app of identity.names.apps) expect(envOf(identity.container(app), "LIBRARY_RELEASE")).toBe("next");
    });

    step("8. with backup set, a dump is written before the migration, and the documented restore brings the data back", async () => {
        const lending = view("reader-lending");
        stack.config.services["reader-lending"].backup = { keep: 2 };
        stack.writeConfig();
        succeeded(await timed("up, backup turned on", stack.up()));
        await withClient(lending.appLogin(), (client) =>
            client.query(
                `INSERT INTO readers (identity_user_id, card_number, full_name)
                 VALUES (1, 'CARD0001', 'Octavia Butler'), (2, 'CARD0002', 'Stanisław Lem')`,
            ),
        );
        stack.addMigration("reader-lending", "V4__anonymise_readers.sql", "UPDATE readers SET full_name = 'anonymous';\n");
        const watch = watchContainerEvents(stack.prefix);
        succeeded(await timed("up, migration with backup", stack.up()));
        const events = await watch.stop();
        const backupExit = eventOf(events, lending.names.backup, "die");
        expect(backupExit.attributes.exitCode).toBe("0");
        expect(backupExit.timeNano).toBeLessThan(eventOf(events, lending.names.flyway, "create").timeNano);
        const names = async () =>
            withClient(lending.appLogin(), (c) => c.query<{ n: string }>("SELECT full_name AS n FROM readers ORDER BY id"));
        expect((await names()).rows.map((r) => r.n)).toEqual(["anonymous", "anonymous"]);

        // The documented restore (docs/operations.md), as the stack output gives it, with the newest dump before V4.
        const restore: string = (await stack.outputs()).services["reader-lending"].restoreBackup;
        const image = restore.match(/:ro (\S+) cat/)![1];
        const dumps = docker(["run", "--rm", "-v", `${stack.prefix}reader-lending-backups:/backups:ro`, image, "ls", "/backups"])
            .split("\n")
            .filter((f) => /^reader-lending-\d{8}T\d{6}Z-before-V4-[0-9a-f]{8}\.dump$/.test(f));
        expect(dumps).toHaveLength(1);
        docker(["stop", ...lending.names.apps]);
        const restored = await timed("restore", runShell(restore.replace("<dump file>", dumps[0])));
        docker(["start", ...lending.names.apps]);
        succeeded(restored);
        expect((await names()).rows.map((r) => r.n)).toEqual(["Octavia Butler", "Stanisław Lem"]);
    });
});

/** The rename recipe of step 5b (docs/migrations.md, "Renaming a column"): release 1's table. */
const LABELS_V6 = "CREATE TABLE labels (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, code text NOT NULL);\n";
/** Release 2's expand phase: `name`, kept equal to `code` while either release writes, and backfilled. */
const LABELS_V7 = `ALTER TABLE labels ADD COLUMN name text;
CREATE FUNCTION labels_sync_name() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.name IS NULL THEN NEW.name := NEW.code; END IF;
    IF NEW.code IS NULL THEN NEW.code := NEW.name; END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER labels_sync_name BEFORE INSERT OR UPDATE ON labels FOR EACH ROW EXECUTE FUNCTION labels_sync_name();
UPDATE labels SET name = code WHERE name IS NULL;
`;
/** Release 2's contract phase: the trigger and the old column go. */
const LABELS_CONTRACT_V1 =
    "DROP TRIGGER labels_sync_name ON labels;\nDROP FUNCTION labels_sync_name();\nALTER TABLE labels DROP COLUMN code;\n";

/** A command as an operator pastes it into bash. */
function runShell(command: string): Promise<CommandResult> {
    return runCommand("bash", ["-c", `set -o pipefail; ${command}`], { cwd: workDir, env: {} });
}
