/**
 * The migration-safety check. Every *new* file (see lock.ts, isNewFile: a versioned file not in the lock, or a
 * repeatable or callback whose content the lock does not hold), migrations and callbacks alike, is held to the rules of
 * safetyRules.ts: squawk's, run on the whole file and on each statement alone, and the library's own, read with
 * PostgreSQL's parser. Files already applied were checked when they were new; they are grandfathered.
 *
 * squawk runs twice because it forgives a statement on a table it believes the file created, and it believes so of
 * `CREATE TABLE IF NOT EXISTS`, which creates nothing when the table is there: run on one statement at a time it
 * forgives nothing, and run on the whole file it sees what spans statements (a constraint validated in the transaction
 * that added it). The file's own exemptions are then the library's: a statement only on objects the same file created
 * (a plain CREATE, never IF NOT EXISTS) is not reported, since nothing uses them yet.
 *
 * A deliberate exception is written in the migration, on a comment line right above the statement it excuses, with a
 * reason: `-- lint:allow <rule> <reason>`. squawk's own ignore comments, which take no reason, are refused.
 */
import { distance } from "fastest-levenshtein";
import * as path from "path";
import { isNewFile, phaseLocked } from "./lock";
import { CONTRACT_FOLDER, MigrationFile, MigrationPhase, MigrationSet } from "./migrationFiles";
import { RULE_NAMES, SAFETY_RULES } from "./safetyRules";
import { runSquawk, SquawkFinding } from "./squawk";
import { parseStatements, SqlStatement, SqlSyntaxError, withoutPlaceholders } from "./sqlStatements";

/** The PostgreSQL major the checks assume when a caller names none: the one the stacks run and the tests prove. */
export const DEFAULT_POSTGRES_MAJOR = 17;

export interface SafetyFinding {
    file: string;
    line: number;
    /** A rule's name, or `lint:allow` for a malformed or unused exception, `squawk-ignore`, or `syntax`. */
    rule: string;
    message: string;
}

interface Hit {
    rule: string;
    /** What the statement does, in a few words (`drops the view shelf_codes`), or squawk's own words. */
    what: string;
}

type Kind = "table" | "view" | "sequence" | "type" | "schema";

/** Objects by kind and name: `public.books` and `books` are one table (the default search path). */
class Objects {
    private readonly names = new Map<string, string>();
    add(kind: Kind, name: string, file: string): void {
        this.names.set(`${kind}:${name}`, file);
    }
    remove(kind: Kind, name: string): void {
        this.names.delete(`${kind}:${name}`);
    }
    has(kind: Kind, name: string): boolean {
        return this.names.has(`${kind}:${name}`);
    }
    origin(kind: Kind, name: string): string | undefined {
        return this.names.get(`${kind}:${name}`);
    }
}

function relationName(relation: { relname?: string; schemaname?: string } | undefined): string {
    const name = relation?.relname ?? "?";
    return relation?.schemaname && relation.schemaname !== "public" ? `${relation.schemaname}.${name}` : name;
}

function qualifiedName(items: unknown): string {
    return (Array.isArray(items) ? items : [])
        .map((i: any) => i.String?.sval)
        .join(".")
        .replace(/^public\./, "");
}

const DROP_KINDS: Record<string, Kind> = {
    OBJECT_TABLE: "table",
    OBJECT_VIEW: "view",
    OBJECT_MATVIEW: "view",
    OBJECT_SEQUENCE: "sequence",
    OBJECT_TYPE: "type",
    OBJECT_DOMAIN: "type",
    OBJECT_SCHEMA: "schema",
};

function droppedNames(node: any): string[] {
    return (node.objects ?? []).map((o: any) =>
        o.String ? o.String.sval : o.TypeName ? qualifiedName(o.TypeName.names) : qualifiedName(o.List?.items),
    );
}

/** What a statement creates (a plain CREATE: IF NOT EXISTS may create nothing), renames or drops. */
function track(node: Record<string, any>, file: string, objects: Objects): void {
    const [type] = Object.keys(node);
    const n = node[type];
    if (type === "CreateStmt" && !n.if_not_exists) objects.add("table", relationName(n.relation), file);
    if (type === "ViewStmt") objects.add("view", relationName(n.view), file);
    if (type === "CreateTableAsStmt" && n.objtype === "OBJECT_MATVIEW" && !n.if_not_exists) {
        objects.add("view", relationName(n.into?.rel), file);
    }
    if (type === "CreateSeqStmt" && !n.if_not_exists) objects.add("sequence", relationName(n.sequence), file);
    if (type === "CreateEnumStmt") objects.add("type", qualifiedName(n.typeName), file);
    if (type === "CreateDomainStmt") objects.add("type", qualifiedName(n.domainname), file);
    if (type === "CompositeTypeStmt") objects.add("type", relationName(n.typevar), file);
    if (type === "CreateSchemaStmt" && !n.if_not_exists) objects.add("schema", n.schemaname, file);
    if (type === "RenameStmt" && n.renameType === "OBJECT_TABLE") {
        const from = relationName(n.relation);
        objects.add("table", n.newname, objects.origin("table", from) ?? file);
        objects.remove("table", from);
    }
    if (type === "DropStmt" && DROP_KINDS[n.removeType]) {
        for (const name of droppedNames(n)) objects.remove(DROP_KINDS[n.removeType], name);
    }
}

/** The objects a statement acts on, for the exemption; a CREATE of its own object acts on nothing that exists. */
function targetsOf(node: Record<string, any>): { kind: Kind; name: string }[] | "creates" {
    const [type] = Object.keys(node);
    const n = node[type];
    const table = (relation: any) => ({ kind: "table" as const, name: relationName(relation) });
    switch (type) {
        case "CreateStmt":
        case "ViewStmt":
        case "CreateSeqStmt":
        case "CreateEnumStmt":
        case "CompositeTypeStmt":
        case "CreateDomainStmt":
        case "CreateSchemaStmt":
            return "creates";
        case "AlterTableStmt":
        case "IndexStmt":
        case "ClusterStmt":
            return [table(n.relation)];
        case "RenameStmt":
            return n.relation ? [table(n.relation)] : [];
        case "TruncateStmt":
        case "LockStmt":
            return (n.relations ?? []).map((r: any) => table(r.RangeVar));
        case "VacuumStmt":
            return (n.rels ?? []).map((r: any) => table(r.VacuumRelation?.relation));
        case "DropStmt":
            return DROP_KINDS[n.removeType] ? droppedNames(n).map((name) => ({ kind: DROP_KINDS[n.removeType], name })) : [];
        case "AlterEnumStmt":
        case "AlterDomainStmt":
            return [{ kind: "type", name: qualifiedName(n.typeName) }];
        case "ReindexStmt":
            return n.kind === "REINDEX_OBJECT_TABLE" && n.relation ? [table(n.relation)] : [];
        default:
            // Indexes are not followed: dropping one of a table this file created is reported, and excused in the file.
            return [];
    }
}

/** Whether the statement acts only on objects this file created: nothing uses them yet. */
function onlyOnNewObjects(node: Record<string, any>, createdHere: Objects): boolean {
    const targets = targetsOf(node);
    return targets === "creates" || (targets.length > 0 && targets.every((t) => createdHere.has(t.kind, t.name)));
}

/** The library's rules a statement breaks. */
function libraryHits(node: Record<string, any>): Hit[] {
    const [type] = Object.keys(node);
    const n = node[type];
    switch (type) {
        case "DropStmt": {
            const rule =
                { OBJECT_SCHEMA: "drop-schema", OBJECT_TYPE: "drop-type", OBJECT_DOMAIN: "drop-type" }[n.removeType as string] ??
                (["OBJECT_VIEW", "OBJECT_MATVIEW"].includes(n.removeType)
                    ? "drop-view"
                    : n.removeType === "OBJECT_SEQUENCE"
                      ? "drop-sequence"
                      : undefined);
            return rule ? droppedNames(n).map((name) => ({ rule, what: `drops ${name}` })) : [];
        }
        case "AlterTableStmt":
            return (n.cmds ?? []).flatMap((c: any): Hit[] => {
                const cmd = c.AlterTableCmd;
                const table = relationName(n.relation);
                if (cmd?.subtype === "AT_DropConstraint")
                    return [{ rule: "drop-constraint", what: `drops the constraint ${cmd.name} of ${table}` }];
                const added = cmd?.subtype === "AT_AddColumn" ? cmd.def?.ColumnDef : undefined;
                if ((added?.constraints ?? []).some((k: any) => k.Constraint?.contype === "CONSTR_CHECK")) {
                    return [{ rule: "add-column-with-check", what: `adds ${table}.${added.colname} with a CHECK` }];
                }
                if (cmd?.subtype === "AT_SetLogged" || cmd?.subtype === "AT_SetUnLogged") {
                    return [{ rule: "set-logged", what: `sets ${table} ${cmd.subtype === "AT_SetLogged" ? "LOGGED" : "UNLOGGED"}` }];
                }
                return [];
            });
        case "AlterEnumStmt":
            return n.oldVal ? [{ rule: "rename-enum-value", what: `renames '${n.oldVal}' of ${qualifiedName(n.typeName)}` }] : [];
        case "VacuumStmt":
            return (n.options ?? []).some((o: any) => o.DefElem?.defname === "full")
                ? [{ rule: "vacuum-full", what: `VACUUM FULL of ${targets(node)}` }]
                : [];
        case "ClusterStmt":
            return [{ rule: "cluster", what: n.relation ? `CLUSTER of ${relationName(n.relation)}` : "CLUSTER of every clustered table" }];
        case "LockStmt":
            // SHARE (5) and stronger block writes; weaker modes only block DDL.
            return (n.mode ?? 8) >= 5 ? [{ rule: "lock-table", what: `locks ${targets(node)}` }] : [];
        case "VariableSetStmt": {
            if (n.name !== "lock_timeout") return [];
            const value = n.args?.[0]?.A_Const;
            const zero = n.kind === "VAR_SET_VALUE" && value && (value.ival?.ival ?? 0) === 0 && /^0*\D*$/.test(value.sval?.sval ?? "0");
            return n.kind === "VAR_RESET" || n.kind === "VAR_SET_DEFAULT" || zero
                ? [{ rule: "lock-timeout-off", what: "sets lock_timeout off" }]
                : [];
        }
        default:
            return [];
    }
}

function targets(node: Record<string, any>): string {
    const list = targetsOf(node);
    return list === "creates" ? "" : list.map((t) => t.name).join(", ");
}

/** Flyway runs a migration outside a transaction only when every statement must run outside one. */
function runsOutsideTransaction(statements: readonly SqlStatement[]): boolean {
    const outside = (node: Record<string, any>) =>
        (node.IndexStmt?.concurrent ?? false) ||
        node.VacuumStmt !== undefined ||
        (node.DropStmt?.concurrent ?? false) ||
        (node.ReindexStmt?.params ?? []).some((p: any) => p.DefElem?.defname === "concurrently");
    return statements.length > 0 && statements.every((s) => outside(s.node));
}

/**
 * `-- lint:allow <rule> <reason>` comments above a statement; malformed ones become findings. A rule is one of the
 * catalogue's, or one squawk reported on this statement (a rule of a newer squawk).
 */
function exceptionsOf(statement: SqlStatement, file: string, findings: SafetyFinding[], reported: readonly string[]): Map<string, number> {
    const allowed = new Map<string, number>();
    for (const comment of statement.comments) {
        const match = /^--\s*lint:allow\b(.*)$/.exec(comment.text);
        if (!match) continue;
        const [rule, ...reason] = match[1].trim().split(/\s+/).filter(Boolean);
        const problem = !rule
            ? "names no rule; write -- lint:allow <rule> <reason>, with the rule a finding names"
            : !RULE_NAMES.includes(rule) && !reported.includes(rule)
              ? `'${rule}' is not a rule${closeRule(rule)}`
              : reason.length === 0
                ? `allows ${rule} without a reason; say why it is safe here, e.g. -- lint:allow ${rule} the column was unused since 1.4`
                : undefined;
        if (problem) findings.push({ file, line: comment.line, rule: "lint:allow", message: problem });
        else allowed.set(rule, comment.line);
    }
    return allowed;
}

function closeRule(rule: string): string {
    const close = RULE_NAMES.find((r) => distance(r, rule) <= 3);
    return close ? ` (did you mean ${close}?)` : "; the rules are listed in docs/migrations.md";
}

/** squawk's own ignore comments, which excuse without a reason. */
function squawkIgnores({ file, name }: ParsedFile): SafetyFinding[] {
    return file.content.split("\n").flatMap((text, i) =>
        /--\s*squawk-ignore/.test(text)
            ? [
                  {
                      file: name,
                      line: i + 1,
                      rule: "squawk-ignore",
                      message: "excuses a finding without a reason; write -- lint:allow <rule> <reason> above the statement instead",
                  },
              ]
            : [],
    );
}

interface ParsedFile {
    file: MigrationFile;
    /** As findings name it: the file name, under `contract/` in the contract phase. */
    name: string;
    phase: MigrationPhase;
    /** Not in the lock as it is (see lock.ts, isNewFile): checked. */
    isNew: boolean;
    statements: SqlStatement[];
}

/**
 * Every finding in the new files of `set` and of its contract phase (as the service's `locked` entry tells new from
 * applied), in file and line order. Expand files come first: the contract phase runs after them, on what they made.
 */
export function migrationSafetyFindings(
    set: MigrationSet,
    locked: Record<string, number>,
    pgMajor = DEFAULT_POSTGRES_MAJOR,
): SafetyFinding[] {
    const findings: SafetyFinding[] = [];
    const parsed: ParsedFile[] = [];
    const phases: [MigrationPhase, readonly MigrationFile[]][] = [
        ["expand", set.files],
        ["contract", set.contract?.files ?? []],
    ];
    for (const [phase, files] of phases) {
        const known = phaseLocked(locked, phase);
        for (const file of files) {
            const name = phase === "contract" ? `${CONTRACT_FOLDER}/${file.fileName}` : file.fileName;
            const isNew = isNewFile(file, known);
            try {
                parsed.push({ file, name, phase, isNew, statements: isNew ? parseStatements(file.content) : safeParse(file.content) });
            } catch (error) {
                if (!(error instanceof SqlSyntaxError)) throw error;
                const message = `PostgreSQL's parser refuses it: ${error.message}`;
                findings.push({ file: name, line: error.line, rule: "syntax", message });
            }
        }
    }
    const fresh = parsed.filter((p) => p.isNew);
    const squawked = squawkFindingsOf(fresh, pgMajor);
    const objects = new Objects();
    for (const parsedFile of parsed) {
        if (parsedFile.isNew) findings.push(...squawkIgnores(parsedFile), ...fileFindings(parsedFile, objects, squawked));
        for (const { node } of parsedFile.statements) track(node, parsedFile.name, objects);
    }
    return findings.sort((a, b) => (a.file === b.file ? a.line - b.line : 0));
}

/** An applied file that no longer parses ran as it is; only what it created matters, so it is read as far as it goes. */
function safeParse(sql: string): SqlStatement[] {
    try {
        return parseStatements(sql);
    } catch {
        return [];
    }
}

/** squawk's findings on each new file, by file: on the whole file, and on each statement alone (see above). */
function squawkFindingsOf(files: readonly ParsedFile[], pgMajor: number): Map<string, SquawkFinding[]> {
    const inputs = files.flatMap(({ file, name, statements }) => {
        const inTransaction = !runsOutsideTransaction(statements);
        const sql = withoutPlaceholders(file.content);
        return [
            { key: `${name}\0file`, sql, inTransaction },
            // Each statement at its own line, so squawk's lines are the file's.
            ...statements.map((s, i) => ({
                key: `${name}\0${i}`,
                sql: "\n".repeat(s.line - 1) + withoutPlaceholders(s.text) + ";\n",
                inTransaction,
            })),
        ];
    });
    const byFile = new Map<string, SquawkFinding[]>();
    for (const finding of runSquawk(inputs, pgMajor)) {
        const file = finding.key.split("\0")[0];
        byFile.set(file, [...(byFile.get(file) ?? []), finding]);
    }
    return byFile;
}

/** Whether the contract phase accepts what `rule` finds (safetyRules.ts, CONTRACT_PHASE_RULES). */
function acceptedInContract(rule: string): boolean {
    return SAFETY_RULES[rule]?.contract === true;
}

/** The findings of one new file, given what earlier files created. */
function fileFindings(parsed: ParsedFile, earlier: Objects, squawked: ReadonlyMap<string, SquawkFinding[]>): SafetyFinding[] {
    const { name, statements, phase } = parsed;
    const findings: SafetyFinding[] = [];
    const createdHere = new Objects();
    const fromSquawk = squawked.get(name) ?? [];
    statements.forEach((statement, i) => {
        const end = statements[i + 1]?.line ?? Number.MAX_SAFE_INTEGER;
        const exempt = onlyOnNewObjects(statement.node, createdHere);
        const squawkHits = fromSquawk
            .filter((f) => f.line >= statement.line && f.line < end)
            .map((f): Hit => ({ rule: f.rule, what: f.message.replace(/\.$/, "") }));
        const all = exempt ? [] : dedupe([...squawkHits, ...libraryHits(statement.node)]);
        // In the contract phase, what only the previous release would mind is what the phase is for.
        const accepted = phase === "contract" ? all.filter((h) => acceptedInContract(h.rule)) : [];
        const hits = all.filter((h) => !accepted.includes(h));
        const allowed = exceptionsOf(
            statement,
            name,
            findings,
            all.map((h) => h.rule),
        );
        for (const hit of hits.filter((h) => !allowed.has(h.rule))) {
            findings.push({ file: name, line: statement.line, rule: hit.rule, message: findingMessage(hit, statement, earlier, phase) });
        }
        for (const [rule, line] of allowed) {
            if (accepted.some((h) => h.rule === rule)) {
                findings.push({
                    file: name,
                    line,
                    rule: "lint:allow",
                    message:
                        `allows ${rule}, which the contract phase accepts without an exception: it runs once every replica ` +
                        `runs the new release. Remove the comment`,
                });
            } else if (!hits.some((h) => h.rule === rule)) {
                findings.push({
                    file: name,
                    line,
                    rule: "lint:allow",
                    message:
                        `allows ${rule}, which the statement below it does not break; ` +
                        `remove it, or move it above the statement it excuses`,
                });
            }
        }
        track(statement.node, name, createdHere);
    });
    return findings;
}

function dedupe(hits: Hit[]): Hit[] {
    return hits.filter((hit, i) => hits.findIndex((h) => h.rule === hit.rule) === i);
}

function findingMessage(hit: Hit, statement: SqlStatement, earlier: Objects, phase: MigrationPhase): string {
    const rule = SAFETY_RULES[hit.rule];
    const list = targetsOf(statement.node);
    const target = list === "creates" ? undefined : list[0];
    const origin = target && earlier.origin(target.kind, target.name);
    const on = target
        ? ` (${target.name}: ${origin ? `a ${target.kind} of ${origin}` : `a ${target.kind} these migrations did not create`})`
        : "";
    const how = rule ? `it ${rule.why}. Safe way: ${rule.safe}. See ${rule.docs}` : `see https://squawkhq.com/docs/${hit.rule}`;
    // What breaks only the previous release has a place: the contract phase, which runs after the rollout.
    const later =
        phase === "expand" && acceptedInContract(hit.rule) && !rule?.safe.includes(`${CONTRACT_FOLDER}/`)
            ? `. Once the new release no longer uses it, put this statement in the service's ${CONTRACT_FOLDER}/ folder ` +
              `instead: that phase runs after every replica runs the new release, and accepts it`
            : "";
    return `${hit.what}${on}: ${how}${later}. If it is safe here, say so above the statement: -- lint:allow ${hit.rule} <reason>`;
}

/** The findings of one service as problems: `<service>: <file>:<line>: <rule>: <message>`. */
export function migrationSafetyProblems(
    service: string,
    set: MigrationSet,
    locked: Record<string, number>,
    pgMajor = DEFAULT_POSTGRES_MAJOR,
): string[] {
    const shown = path.relative(process.cwd(), set.folder) || set.folder;
    return migrationSafetyFindings(set, locked, pgMajor).map((f) => `${service}: ${shown}/${f.file}:${f.line}: ${f.rule}: ${f.message}`);
}
