/**
 * The lock of the branch a pull request goes into: which migrations are already applied somewhere, whatever the pull
 * request's own lock says. `verify-migrations` checks every file that lock does not hold, so a file locked on the
 * branch is checked all the same.
 *
 * The base is `--base <ref>` (a pipeline passes its target branch, e.g. origin/main), else MIGRATIONS_BASE_REF, else the
 * merge base of HEAD with the main branch (origin/main, or main).
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { LOCK_FILE, MigrationLock, parseLock } from "../../components/flyway/lock";

function git(args: string[], cwd: string): { ok: boolean; out: string; err: string } {
    const run = spawnSync("git", args, { cwd, encoding: "utf8" });
    return { ok: !run.error && run.status === 0, out: (run.stdout ?? "").trim(), err: (run.stderr ?? run.error?.message ?? "").trim() };
}

/** The commit the checks compare with, and how it was chosen (for the report). */
export function baseCommit(migrationsRoot: string, given: string | undefined): { commit: string; described: string } {
    const explicit = given ?? process.env.MIGRATIONS_BASE_REF;
    if (explicit) {
        const commit = git(["rev-parse", "--verify", `${explicit}^{commit}`], migrationsRoot);
        if (!commit.ok)
            throw new Error(`the base '${explicit}' is not a commit here (${commit.err}); fetch it, or pass another with --base`);
        return { commit: commit.out, described: explicit };
    }
    for (const main of ["origin/main", "main"]) {
        const base = git(["merge-base", "HEAD", main], migrationsRoot);
        if (base.ok) return { commit: base.out, described: `the merge base with ${main}` };
    }
    throw new Error(
        "no base to compare migrations with: not a git checkout with a main branch. Pass the branch the change goes into, " +
            "e.g. npm run verify-migrations -- --base origin/main",
    );
}

/** The lock as `commit` has it: empty when that commit has none (every file is then new). */
export function lockAt(commit: string, migrationsRoot: string): MigrationLock {
    const top = git(["rev-parse", "--show-toplevel"], migrationsRoot);
    if (!top.ok) throw new Error(`${migrationsRoot} is not in a git checkout: ${top.err}`);
    const file = path.relative(top.out, path.join(migrationsRoot, LOCK_FILE)).split(path.sep).join("/");
    const shown = git(["show", `${commit}:${file}`], migrationsRoot);
    return shown.ok ? parseLock(shown.out, `${commit.slice(0, 12)}:${file}`) : {};
}
