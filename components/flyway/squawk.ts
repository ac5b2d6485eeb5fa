/**
 * squawk, the PostgreSQL migration linter, run on SQL texts: its binary comes with the `squawk-cli` npm package (one
 * optional dependency per platform, squawk-cli/js/index.js, getBinaryPath), and it reports as JSON. One run per batch:
 * the texts are written to a temporary folder, squawk reads them all, and its findings come back by text.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { SQUAWK_RULES_OFF } from "./safetyRules";

export interface SquawkInput {
    /** Names the text in the findings. */
    key: string;
    sql: string;
    /** Whether Flyway runs it in a transaction: squawk then also flags what must not run in one, or in the same one. */
    inTransaction: boolean;
}

export interface SquawkFinding {
    key: string;
    /** 1-based line in the text. */
    line: number;
    rule: string;
    message: string;
    help?: string;
}

/** The squawk binary of this platform; a clear error when the package manager skipped it. */
function squawkBinary(): string {
    try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        return (require("squawk-cli/js/index.js") as { getBinaryPath(): string }).getBinaryPath();
    } catch (error) {
        throw new Error(
            `The migration-safety check needs squawk (the squawk-cli npm package, with its binary for ${process.platform}-` +
                `${process.arch}): ${(error as Error).message}. Install dependencies with optional ones included (npm ci).`,
            { cause: error },
        );
    }
}

/** squawk's findings on `inputs`, at PostgreSQL `pgMajor`, with the rules in SQUAWK_RULES_OFF left out. */
export function runSquawk(inputs: readonly SquawkInput[], pgMajor: number): SquawkFinding[] {
    if (inputs.length === 0) return [];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "library-squawk-"));
    try {
        const files = inputs.map((input, i) => {
            const file = path.join(dir, `${i}.sql`);
            fs.writeFileSync(file, input.sql);
            return { input, file };
        });
        return [true, false].flatMap((inTransaction) => {
            const batch = files.filter((f) => f.input.inTransaction === inTransaction);
            if (batch.length === 0) return [];
            const byFile = new Map(batch.map((f) => [f.file, f.input.key]));
            return squawk(
                batch.map((f) => f.file),
                pgMajor,
                inTransaction,
            ).map((finding) => ({ ...finding, key: byFile.get(finding.key) ?? finding.key }));
        });
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

interface SquawkJson {
    file: string;
    line: number;
    rule_name: string;
    message: string;
    help?: string | null;
}

function squawk(files: string[], pgMajor: number, inTransaction: boolean): SquawkFinding[] {
    const args = [
        "--reporter",
        "json",
        `--pg-version=${pgMajor}.0`,
        `--exclude=${Object.keys(SQUAWK_RULES_OFF).join(",")}`,
        inTransaction ? "--assume-in-transaction" : "--no-assume-in-transaction",
        ...files,
    ];
    const run = spawnSync(squawkBinary(), args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    if (run.error) throw new Error(`squawk could not run: ${run.error.message}`, { cause: run.error });
    // 0: no finding; 1: findings. Anything else, or output that is not its report, is squawk failing.
    let report: SquawkJson[];
    try {
        report = JSON.parse(run.stdout) as SquawkJson[];
    } catch {
        throw new Error(`squawk exited with ${run.status} without a report:\n${run.stderr}${run.stdout}`);
    }
    if (run.status !== 0 && run.status !== 1) throw new Error(`squawk exited with ${run.status}:\n${run.stderr}`);
    // squawk counts lines from 0.
    return report.map((f) => ({ key: f.file, line: f.line + 1, rule: f.rule_name, message: f.message, help: f.help ?? undefined }));
}
