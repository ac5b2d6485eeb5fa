/**
 * One service of a real stack as Docker and PostgreSQL report it: its containers by role, and logins to its database
 * through the published port, as its owner or as its app role, with the passwords the containers were given.
 */
import type { ClientConfig } from "pg";
import { databaseNames, replicaName } from "../../../components/service/names";
import { withClient } from "../../../tools/lib/pgClient";
import { ContainerInfo, containers, envOf } from "./dockerEngine";
import type { RealStack } from "./realStack";

export class ServiceView {
    constructor(
        private readonly stack: RealStack,
        readonly service: string,
    ) {}

    private get settings() {
        return this.stack.config.services[this.service];
    }

    get dockerName(): string {
        return `${this.stack.prefix}${this.service}`;
    }

    /** Docker names of the database, the Flyway run, the backup and replica i. */
    get names() {
        return {
            database: `${this.dockerName}-db`,
            flyway: `${this.dockerName}-flyway`,
            backup: `${this.dockerName}-backup`,
            app: (i: number) => replicaName(this.dockerName, i),
            apps: Array.from({ length: this.settings.replicas }, (_, i) => replicaName(this.dockerName, i + 1)),
        };
    }

    /** The host ports the replicas are published on, in replica order. */
    get appPorts(): number[] {
        return Array.from({ length: this.settings.replicas }, (_, i) => this.settings.hostPort + i);
    }

    container(name: string): ContainerInfo {
        const info = containers(name).get(name);
        if (!info) throw new Error(`no container ${name} on the Docker host`);
        return info;
    }

    private login(user: string, password: string | undefined): ClientConfig {
        if (!password) throw new Error(`${this.service}: no password for ${user} in its containers' environment`);
        return { host: "127.0.0.1", port: this.settings.databaseHostPort, user, password, database: databaseNames(this.service).database };
    }

    /** The owner, with the password the database container was started with. */
    ownerLogin(): ClientConfig {
        return this.login(databaseNames(this.service).owner, envOf(this.container(this.names.database), "POSTGRES_PASSWORD"));
    }

    /** The app role, with the password replica 1 was given. */
    appLogin(): ClientConfig {
        const app = this.container(this.names.app(1));
        return this.login(envOf(app, "SPRING_DATASOURCE_USERNAME")!, envOf(app, "SPRING_DATASOURCE_PASSWORD"));
    }

    /** Flyway's history as PostgreSQL has it: one line per applied file. */
    history(): Promise<string[]> {
        return withClient(this.ownerLogin(), async (client) => {
            const rows = await client.query<{ line: string }>(
                `SELECT concat_ws(' ', installed_rank, version, script, checksum, success, installed_on) AS line
                   FROM flyway_schema_history ORDER BY installed_rank`,
            );
            return rows.rows.map((r) => r.line);
        });
    }
}
