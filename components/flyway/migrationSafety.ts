/**
 * The migration-safety check: every migration that is not in the lock yet (applied migrations were reviewed when they
 * were new) is read with PostgreSQL's parser, statement by statement, and held to the rules of safetyRules.ts. Tables
 * the same file creates are exempt: nothing runs against them yet. A deliberate exception is written in the migration,
 * right above the statement it excuses: `-- lint:allow <rule> <reason>`.
 */
import * as path from "path";
import { distance } from "fastest-levenshtein";
import type { MigrationSet } from "./migrationFiles";
import { RULE_NAMES, RuleName, SAFETY_RULES } from "./safetyRules";
import { parseStatements, SqlStatement, SqlSyntaxError } from "./sqlStatements";

export interface SafetyFinding {
    file: string;
    line: number;
    /** A rule's name, or `lint:allow` for a malformed or unused exception, or `syntax`. */
    rule: RuleName | "lint:allow" | "syntax";
    message: string;
}

interface Hit {
    rule: RuleName;
    /** The table it touches. */
    table: string;
    /** What the statement does, in a few words, e.g. `drops books.title`. */
    what: string;
}

/** `public.books` and `books` are one table; the search path here is the default one. */
function tableName(relation: { relname?: string; schemaname?: string } | undefined): string {
    const name = relation?.relname ?? "?";
    return relation?.schemaname && relation.schemaname !== "public" ? `${relation.schemaname}.${name}` : name;
}

function constraintsOf(columnDef: any): any[] {
    return (columnDef?.constraints ?? []).map((c: any) => c.Constraint);
}

/** The rules one statement breaks, given the tables its own file created before it. */
function hitsOf(statement: SqlStatement, createdHere: Set<string>): Hit[] {
    const [type] = Object.keys(statement.node);
    const node = statement.node[type];
    const existing = (relation: any) => !createdHere.has(tableName(relation));
    switch (type) {
        case "AlterTableStmt": {
            if (node.objtype !== "OBJECT_TABLE" || !existing(node.relation)) return [];
            const table = tableName(node.relation);
            return (node.cmds ?? []).flatMap((c: any): Hit[] => alterTableHits(table, c.AlterTableCmd));
        }
        case "RenameStmt":
            if (!existing(node.relation)) return [];
            if (node.renameType === "OBJECT_COLUMN") {
                return [
                    { rule: "rename-column", table: tableName(node.relation), what: `renames ${tableName(node.relation)}.${node.subname}` },
                ];
            }
            if (node.renameType === "OBJECT_TABLE")
                return [{ rule: "rename-table", table: tableName(node.relation), what: `renames ${tableName(node.relation)}` }];
            return [];
        case "DropStmt": {
            if (node.removeType !== "OBJECT_TABLE") return [];
            const names = (node.objects ?? []).map((o: any) => (o.List?.items ?? []).map((i: any) => i.String?.sval).join("."));
            return names
                .map((n: string) => n.replace(/^public\./, ""))
                .filter((n: string) => !createdHere.has(n))
                .map((n: string): Hit => ({ rule: "drop-table", table: n, what: `drops ${n}` }));
        }
        case "IndexStmt":
            return !node.concurrent && existing(node.relation)
                ? [{ rule: "create-index-non-concurrently", table: tableName(node.relation), what: `indexes ${tableName(node.relation)}` }]
                : [];
        default:
            return [];
    }
}

function alterTableHits(table: string, cmd: any): Hit[] {
    const column = `${table}.${cmd.name}`;
    switch (cmd.subtype) {
        case "AT_DropColumn":
            return [{ rule: "drop-column", table, what: `drops ${column}` }];
        case "AT_AlterColumnType":
            return [{ rule: "change-column-type", table, what: `changes the type of ${column}` }];
        case "AT_SetNotNull":
            return [{ rule: "set-not-null", table, what: `sets ${column} NOT NULL` }];
        case "AT_AddColumn": {
            const def = cmd.def?.ColumnDef;
            const added = `${table}.${def?.colname}`;
            const kinds = constraintsOf(def).map((c) => c.contype);
            const filled = kinds.some((k: string) => ["CONSTR_DEFAULT", "CONSTR_IDENTITY", "CONSTR_GENERATED"].includes(k));
            return [
                ...(kinds.includes("CONSTR_NOTNULL") && !filled
                    ? [{ rule: "add-column-not-null-without-default" as const, table, what: `adds ${added} NOT NULL` }]
                    : []),
                ...(kinds.includes("CONSTR_FOREIGN")
                    ? [{ rule: "add-foreign-key" as const, table, what: `adds ${added} with a foreign key` }]
                    : []),
                ...(kinds.includes("CONSTR_CHECK")
                    ? [{ rule: "add-check-constraint" as const, table, what: `adds ${added} with a CHECK` }]
                    : []),
                ...(kinds.some((k: string) => k === "CONSTR_UNIQUE" || k === "CONSTR_PRIMARY")
                    ? [{ rule: "add-unique-constraint" as const, table, what: `adds ${added} UNIQUE` }]
                    : []),
            ];
        }
        case "AT_AddConstraint": {
            const constraint = cmd.def?.Constraint ?? {};
            const named = constraint.conname ? ` ${constraint.conname}` : "";
            if (constraint.contype === "CONSTR_FOREIGN" && !constraint.skip_validation) {
                return [{ rule: "add-foreign-key", table, what: `adds the foreign key${named} to ${table}` }];
            }
            if (constraint.contype === "CONSTR_CHECK" && !constraint.skip_validation) {
                return [{ rule: "add-check-constraint", table, what: `adds the check${named} to ${table}` }];
            }
            if ((constraint.contype === "CONSTR_UNIQUE" || constraint.contype === "CONSTR_PRIMARY") && !constraint.indexname) {
                return [{ rule: "add-unique-constraint", table, what: `adds the constraint${named} to ${table}` }];
            }
            return [];
        }
        default:
            return [];
    }
}

/** `-- lint:allow <rule> <reason>` comments above a statement; malformed ones become findings. */
function exceptionsOf(statement: SqlStatement, file: string, findings: SafetyFinding[]): Map<RuleName, number> {
    const allowed = new Map<RuleName, number>();
    for (const comment of statement.comments) {
        const match = /^--\s*lint:allow\b(.*)$/.exec(comment.text);
        if (!match) continue;
        const [rule, ...reason] = match[1].trim().split(/\s+/).filter(Boolean);
        const problem = !rule
            ? `names no rule; write -- lint:allow <rule> <reason>, with one of ${RULE_NAMES.join(", ")}`
            : !RULE_NAMES.includes(rule as RuleName)
              ? `'${rule}' is not a rule${closeRule(rule)}; the rules are ${RULE_NAMES.join(", ")}`
              : reason.length === 0
                ? `allows ${rule} without a reason; say why it is safe here, e.g. -- lint:allow ${rule} the column was unused since 1.4`
                : undefined;
        if (problem) findings.push({ file, line: comment.line, rule: "lint:allow", message: problem });
        else allowed.set(rule as RuleName, comment.line);
    }
    return allowed;
}

function closeRule(rule: string): string {
    const close = RULE_NAMES.find((r) => distance(r, rule) <= 3);
    return close ? ` (did you mean ${close}?)` : "";
}

/** Which earlier file created each table, as Flyway applies the files in order (tables renamed and dropped follow). */
function trackTables(statements: readonly SqlStatement[], file: string, createdBy: Map<string, string>): void {
    for (const { node } of statements) {
        if (node.CreateStmt) createdBy.set(tableName(node.CreateStmt.relation), file);
        if (node.RenameStmt?.renameType === "OBJECT_TABLE") {
            const from = tableName(node.RenameStmt.relation);
            createdBy.set(node.RenameStmt.newname, createdBy.get(from) ?? file);
            createdBy.delete(from);
        }
        if (node.DropStmt?.removeType === "OBJECT_TABLE") {
            for (const o of node.DropStmt.objects ?? [])
                createdBy.delete(
                    (o.List?.items ?? [])
                        .map((i: any) => i.String?.sval)
                        .join(".")
                        .replace(/^public\./, ""),
                );
        }
    }
}

/** Every finding in `set`'s files that `locked` does not list, in file and line order. */
export function migrationSafetyFindings(set: MigrationSet, locked: Record<string, number>): SafetyFinding[] {
    const findings: SafetyFinding[] = [];
    const createdBy = new Map<string, string>();
    for (const file of set.files.filter((f) => f.kind !== "callback")) {
        const unlocked = locked[file.fileName] === undefined;
        let statements: SqlStatement[];
        try {
            statements = parseStatements(file.content);
        } catch (error) {
            if (!(error instanceof SqlSyntaxError)) throw error;
            // An applied file ran in production as it is; only a new one is ours to report.
            if (unlocked)
                findings.push({
                    file: file.fileName,
                    line: error.line,
                    rule: "syntax",
                    message: `PostgreSQL's parser refuses it: ${error.message}`,
                });
            continue;
        }
        if (unlocked) findings.push(...statementFindings(file.fileName, statements, createdBy));
        trackTables(statements, file.fileName, createdBy);
    }
    return findings;
}

/** The findings of one new file, given which earlier files created which tables. */
function statementFindings(file: string, statements: readonly SqlStatement[], createdBy: ReadonlyMap<string, string>): SafetyFinding[] {
    const findings: SafetyFinding[] = [];
    const createdHere = new Set<string>();
    for (const statement of statements) {
        if (statement.node.CreateStmt) createdHere.add(tableName(statement.node.CreateStmt.relation));
        const allowed = exceptionsOf(statement, file, findings);
        const hits = hitsOf(statement, createdHere);
        for (const hit of hits.filter((h) => !allowed.has(h.rule))) {
            const rule = SAFETY_RULES[hit.rule];
            const origin = createdBy.get(hit.table);
            findings.push({
                file,
                line: statement.line,
                rule: hit.rule,
                message:
                    `${hit.what} (${origin ? `a table of ${origin}` : "a table these migrations did not create"}): it ${rule.why}. ` +
                    `Safe way: ${rule.safe}. If it is safe here, say so above the statement: -- lint:allow ${hit.rule} <reason>`,
            });
        }
        for (const [rule, line] of allowed) {
            if (!hits.some((h) => h.rule === rule)) {
                findings.push({
                    file,
                    line,
                    rule: "lint:allow",
                    message:
                        `allows ${rule}, which the statement below it does not break; ` +
                        `remove it, or move it above the statement it excuses`,
                });
            }
        }
    }
    return findings.sort((a, b) => a.line - b.line);
}

/** The findings of one service as problems: `<service>: <file>:<line>: <rule>: <message>`. */
export function migrationSafetyProblems(service: string, set: MigrationSet, locked: Record<string, number>): string[] {
    const shown = path.relative(process.cwd(), set.folder) || set.folder;
    return migrationSafetyFindings(set, locked).map((f) => `${service}: ${shown}/${f.file}:${f.line}: ${f.rule}: ${f.message}`);
}
