/**
 * The compiled program (components/stack/programBuild.ts, main.js): `pulumi` runs bin/ only while it is a build of the
 * sources as they are, and the sources otherwise. A small project of its own, with this project's main.js and
 * programBuild.ts, run as Pulumi runs a JavaScript main (`typescript: false`): a plain `require`, no loader.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { currentBuild } from "../../components/stack/programBuild";
import { buildProgram, ensureProgramBuilt } from "../../tools/lib/programBuild";
import { PROJECT_DIR } from "../../tools/lib/repository";

/** A project whose index.ts says which file ran and with which project folder. */
function smallProject(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "library-program-build-"));
    const write = (file: string, content: string) => {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), content);
    };
    write("tsconfig.json", JSON.stringify({ compilerOptions: { outDir: "bin", module: "commonjs", target: "es2022", types: [] } }));
    write(
        "tsconfig.pulumi.json",
        JSON.stringify({ extends: "./tsconfig.json", compilerOptions: { noCheck: true }, include: ["index.ts", "components/**/*.ts"] }),
    );
    write("components/greeting.ts", 'export const greeting = "ran";\n');
    write(
        "index.ts",
        'import { greeting } from "./components/greeting";\nexport = (dir: string = __dirname) => `${greeting} ${__filename} in ${dir}`;\n',
    );
    write("main.js", fs.readFileSync(path.join(PROJECT_DIR, "main.js"), "utf8"));
    write("components/stack/programBuild.ts", fs.readFileSync(path.join(PROJECT_DIR, "components", "stack", "programBuild.ts"), "utf8"));
    return dir;
}

/**
 * What main.js runs in `dir`, required as Pulumi requires a JavaScript main. The small project has no node_modules:
 * its packages (tsx) resolve from `packages`, this project's by default.
 */
function runMain(dir: string, packages = path.join(PROJECT_DIR, "node_modules")): string {
    const script = `console.log(require(${JSON.stringify(path.join(dir, "main.js"))})())`;
    // No NODE_OPTIONS: a loader inherited from the test runner would run the sources whatever main.js decides.
    const env = { ...process.env, NODE_PATH: packages, NODE_OPTIONS: "" };
    const run = spawnSync(process.execPath, ["-e", script], { cwd: dir, encoding: "utf8", env });
    if (run.status !== 0) throw new Error(run.stderr);
    return run.stdout.trim();
}

describe("the compiled program", () => {
    it("runs the sources until there is a build, then the build, with the project folder either way", () => {
        const dir = smallProject();
        expect(currentBuild(dir)).toBeUndefined();
        expect(runMain(dir)).toBe(`ran ${path.join(dir, "index.ts")} in ${dir}`);
        buildProgram(dir);
        expect(currentBuild(dir)).toBe(path.join(dir, "bin", "index.js"));
        expect(runMain(dir)).toBe(`ran ${path.join(dir, "bin", "index.js")} in ${dir}`);
    });

    it.each([
        ["a compiled source changes", (dir: string) => fs.appendFileSync(path.join(dir, "components", "greeting.ts"), "// edited\n")],
        ["a compiled source is gone", (dir: string) => fs.rmSync(path.join(dir, "components", "greeting.ts"))],
        ["the compiler settings change", (dir: string) => fs.appendFileSync(path.join(dir, "tsconfig.pulumi.json"), "\n")],
        ["the manifest is missing (an interrupted build)", (dir: string) => fs.rmSync(path.join(dir, "bin", ".sources.json"))],
    ])("is not run once %s", (_, change) => {
        const dir = smallProject();
        buildProgram(dir);
        change(dir);
        expect(currentBuild(dir)).toBeUndefined();
    });

    it("runs the sources once the check itself (programBuild.ts) is edited, though bin/ holds the old check", () => {
        const dir = smallProject();
        buildProgram(dir);
        fs.appendFileSync(path.join(dir, "components", "stack", "programBuild.ts"), "// edited\n");
        expect(runMain(dir)).toBe(`ran ${path.join(dir, "index.ts")} in ${dir}`);
    });

    it("runs the sources once a file added beside a source changes what an import resolves to", () => {
        const dir = smallProject();
        // `./components/greeting` resolves to components/greeting/index.ts until components/greeting.ts exists.
        fs.mkdirSync(path.join(dir, "components", "greeting"));
        fs.renameSync(path.join(dir, "components", "greeting.ts"), path.join(dir, "components", "greeting", "index.ts"));
        buildProgram(dir);
        expect(runMain(dir)).toBe(`ran ${path.join(dir, "bin", "index.js")} in ${dir}`);
        fs.writeFileSync(path.join(dir, "components", "greeting.ts"), 'export const greeting = "shadowed";\n');
        expect(runMain(dir)).toBe(`shadowed ${path.join(dir, "index.ts")} in ${dir}`);
    });

    it("runs the edited sources, not the stale build, and is rebuilt when a command needs it", () => {
        const dir = smallProject();
        buildProgram(dir);
        fs.writeFileSync(path.join(dir, "components", "greeting.ts"), 'export const greeting = "edited";\n');
        expect(runMain(dir)).toBe(`edited ${path.join(dir, "index.ts")} in ${dir}`);
        ensureProgramBuilt(dir);
        expect(runMain(dir)).toBe(`edited ${path.join(dir, "bin", "index.js")} in ${dir}`);
    });

    it("says what to run when there is no build and nothing to run the sources with", () => {
        const dir = smallProject();
        expect(() => runMain(dir, path.join(dir, "no-packages"))).toThrow(/bin\/ is missing or is not a build[\s\S]*Run `npm ci`/);
        buildProgram(dir);
        expect(runMain(dir, path.join(dir, "no-packages"))).toBe(`ran ${path.join(dir, "bin", "index.js")} in ${dir}`);
    });

    it("refuses, naming the file, a program that does not compile, and leaves no build to run", () => {
        const dir = smallProject();
        fs.writeFileSync(path.join(dir, "components", "greeting.ts"), "export const greeting = ;\n");
        expect(() => buildProgram(dir)).toThrow(/the program does not compile:[\s\S]*greeting\.ts/);
        expect(currentBuild(dir)).toBeUndefined();
        // What Pulumi then runs says where, too.
        expect(() => runMain(dir)).toThrow(/greeting\.ts:1/);
    });
});
