/**
 * One PostgreSQL connection for the length of a piece of work.
 */
import { Client, ClientConfig } from "pg";

/** Runs `work` with a connected client and always closes it. */
export async function withClient<T>(config: ClientConfig, work: (client: Client) => Promise<T>): Promise<T> {
    const client = new Client(config);
    await client.connect();
    try {
        return await work(client);
    } finally {
        await client.end();
    }
}
