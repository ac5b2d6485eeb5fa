/**
 * Loads PostgreSQL's parser (libpg-query, WebAssembly) before a test file runs, as index.ts does before it validates.
 */
import { loadSqlParser } from "../../components/flyway/sqlStatements";

beforeAll(() => loadSqlParser());
