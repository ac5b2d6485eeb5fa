/**
 * Compiling the program into bin/ (components/stack/programBuild.ts says why): every source tsconfig.pulumi.json
 * reaches, emitted without type checking (its `noCheck`; `npm test` checks types), then the manifest, last, so an
 * interrupted build is never taken for a complete one.
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { BUILD_DIR, buildManifest, currentBuild, MANIFEST } from "../../components/stack/programBuild";

/** Builds the program of `projectDir` into its bin/; throws with the compiler's messages when it cannot. */
export function buildProgram(projectDir: string): void {
    const configFile = path.join(projectDir, "tsconfig.pulumi.json");
    const problems: ts.Diagnostic[] = [];
    const host: ts.ParseConfigFileHost = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => problems.push(d) };
    const config = ts.getParsedCommandLineOfConfigFile(configFile, undefined, host);
    if (!config) throw new Error(`cannot read ${configFile}:\n${format(problems)}`);
    // Written beside bin/ and renamed into place once complete: two commands building at once, or one interrupted,
    // never leave a manifest over a half-written tree. A sibling at bin/'s depth keeps the source maps' relative paths.
    const partial = path.join(projectDir, `${BUILD_DIR}.partial-${process.pid}`);
    fs.rmSync(partial, { recursive: true, force: true });
    try {
        const program = ts.createProgram({
            rootNames: config.fileNames,
            options: { ...config.options, outDir: partial, rootDir: projectDir, noEmit: false },
        });
        const emitted = program.emit();
        // With noCheck only syntax and settings can be wrong; either would make a program that does not run.
        const errors = [...config.errors, ...program.getSyntacticDiagnostics(), ...program.getOptionsDiagnostics(), ...emitted.diagnostics];
        if (emitted.emitSkipped || errors.some((d) => d.category === ts.DiagnosticCategory.Error)) {
            throw new Error(`the program does not compile:\n${format(errors)}`);
        }
        const compiled = program
            .getSourceFiles()
            .filter((file) => !file.isDeclarationFile && !program.isSourceFileFromExternalLibrary(file))
            .map((file) => path.relative(projectDir, file.fileName));
        fs.writeFileSync(path.join(partial, MANIFEST), JSON.stringify(buildManifest(projectDir, compiled), null, 2));
        const build = path.join(projectDir, BUILD_DIR);
        fs.rmSync(build, { recursive: true, force: true });
        try {
            fs.renameSync(partial, build);
        } catch (error) {
            // Another build renamed its own first: fine if it is of these sources.
            if (!currentBuild(projectDir)) throw error;
        }
    } finally {
        fs.rmSync(partial, { recursive: true, force: true });
    }
}

/** Builds the program unless bin/ already holds a build of the sources as they are. */
export function ensureProgramBuilt(projectDir: string): void {
    if (!currentBuild(projectDir)) buildProgram(projectDir);
}

function format(diagnostics: readonly ts.Diagnostic[]): string {
    return ts.formatDiagnostics(diagnostics, {
        getCanonicalFileName: (f) => f,
        getCurrentDirectory: () => process.cwd(),
        getNewLine: () => "\n",
    });
}
