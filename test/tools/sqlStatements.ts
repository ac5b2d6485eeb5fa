import { parseSync } from "libpg-query";

/**
 * Splits a migration into statements with PostgreSQL's own parser (libpg-query), as Flyway runs them one at a time,
 * so that an error can be pinned to the line of the file it came from.
 */

export interface SqlStatement {
    text: string;
    /** 1-based line of the file where the statement's first token is. */
    line: number;
    /** Offset of `text` in the file, in characters. */
    offset: number;
}

/** A syntax error, at a line of the file. */
export class SqlSyntaxError extends Error {
    constructor(message: string, readonly line: number) {
        super(message);
    }
}

const LEADING_TRIVIA = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/;

export function splitStatements(sql: string): SqlStatement[] {
    const bytes = Buffer.from(sql, "utf8");
    const charOffset = (byteOffset: number) => bytes.subarray(0, byteOffset).toString("utf8").length;
    let parsed: { stmts?: { stmt_location?: number; stmt_len?: number }[] };
    try {
        parsed = parseSync(sql);
    } catch (error) {
        const cursor = (error as { sqlDetails?: { cursorPosition?: number } }).sqlDetails?.cursorPosition;
        throw new SqlSyntaxError((error as Error).message, cursor === undefined ? 1 : lineAt(sql, charOffset(cursor)));
    }
    return (parsed.stmts ?? []).map((stmt) => {
        const startByte = stmt.stmt_location ?? 0;
        // stmt_len 0 means "to the end of the input".
        const endByte = stmt.stmt_len ? startByte + stmt.stmt_len : bytes.length;
        const start = charOffset(startByte);
        const text = bytes.subarray(startByte, endByte).toString("utf8");
        const firstToken = start + (LEADING_TRIVIA.exec(text)?.[0].length ?? 0);
        return { text, line: lineAt(sql, firstToken), offset: start };
    });
}

/** 1-based line of the character at `offset`. */
export function lineAt(sql: string, offset: number): number {
    return sql.slice(0, offset).split("\n").length;
}
