/**
 * A migration's statements as PostgreSQL's own parser sees them (libpg-query: the parser of PostgreSQL 17, compiled to
 * WebAssembly), each with its line and the comments just above it.
 *
 * The parser loads asynchronously: a program calls `await loadSqlParser()` once before it validates (index.ts does).
 */
import { loadModule, parseSync } from "libpg-query";

let loaded = false;

/** Loads the parser; safe to call more than once. */
export async function loadSqlParser(): Promise<void> {
    await loadModule();
    loaded = true;
}

export interface SqlStatement {
    /** The statement's parse tree: one key, its node type (`AlterTableStmt`, `IndexStmt`, ...). */
    node: Record<string, any>;
    /** 1-based line of the statement's first token. */
    line: number;
    /** The statement's text, from its first token. */
    text: string;
    /** The comment lines between the previous statement and this one, with their lines. */
    comments: { line: number; text: string }[];
}

/** A file PostgreSQL's parser refuses. */
export class SqlSyntaxError extends Error {
    constructor(
        message: string,
        readonly line: number,
    ) {
        super(message);
    }
}

/**
 * Flyway's `${placeholder}`s are not SQL; each becomes as many `x` as it has characters, so that the parser reads an
 * identifier and every offset stays where it was.
 */
export function withoutPlaceholders(sql: string): string {
    return sql.replace(/\$\{[^}]*\}/g, (placeholder) => "x".repeat(placeholder.length));
}

/** The statements of `sql`, in order. Throws SqlSyntaxError, with the line, when PostgreSQL's parser refuses it. */
export function parseStatements(sql: string): SqlStatement[] {
    if (!loaded) {
        throw new Error("The SQL parser is not loaded: await loadSqlParser() once before validating migrations");
    }
    const source = withoutPlaceholders(sql);
    const bytes = Buffer.from(source, "utf8");
    // The parser counts in bytes; lines and text are taken in characters.
    const charAt = (byte: number) => bytes.subarray(0, byte).toString("utf8").length;
    let tree: { stmts?: { stmt: Record<string, any>; stmt_location?: number; stmt_len?: number }[] };
    try {
        tree = parseSync(source);
    } catch (error) {
        const cursor = (error as { sqlDetails?: { cursorPosition?: number } }).sqlDetails?.cursorPosition;
        throw new SqlSyntaxError((error as Error).message, cursor === undefined ? 1 : lineAt(sql, charAt(cursor)));
    }
    return (tree.stmts ?? []).map((stmt) => {
        const start = charAt(stmt.stmt_location ?? 0);
        // stmt_len 0 means "to the end of the input".
        const end = stmt.stmt_len ? charAt((stmt.stmt_location ?? 0) + stmt.stmt_len) : sql.length;
        const chunk = sql.slice(start, end);
        // What precedes the first token: whitespace and comments (the statement starts after the previous ';').
        const trivia = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/.exec(chunk)![0];
        const comments = trivia
            .split("\n")
            .map((text, i) => ({ line: lineAt(sql, start) + i, text: text.trim() }))
            .filter((c) => c.text.startsWith("--"));
        return { node: stmt.stmt, line: lineAt(sql, start + trivia.length), text: chunk.slice(trivia.length).trim(), comments };
    });
}

/** 1-based line of the character at `offset`. */
export function lineAt(sql: string, offset: number): number {
    return sql.slice(0, offset).split("\n").length;
}
