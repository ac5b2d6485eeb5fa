/**
 * Docker image references, checked against the grammar of distribution/reference (the parser the Docker engine
 * uses), so that a typo fails at validation instead of as a pull error halfway through `pulumi up`.
 */

const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
// Like Docker, a first component counts as a registry only with a '.' or a port, or as localhost; so `Flyway/flyway`
// is a (bad) repository name, not a registry called "Flyway".
const DOMAIN =
    `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})+(?::[0-9]+)?` +
    `|${DOMAIN_COMPONENT}:[0-9]+|localhost|\\[[0-9a-fA-F:]+\\](?::[0-9]+)?)`;
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const NAME = `(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const REFERENCE = new RegExp(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const MAX_NAME_LENGTH = 255;

/** Why `reference` is not a usable image reference, or undefined when it is. */
export function imageReferenceProblem(reference: string): string | undefined {
    const match = REFERENCE.exec(reference);
    if (!match) {
        const repository = reference
            .split("@")[0]
            .replace(/:[^/]*$/, "")
            .split("/");
        if (repository.slice(/[.:]/.test(repository[0]) && repository.length > 1 ? 1 : 0).some((part) => /[A-Z]/.test(part))) {
            return `'${reference}' is not a valid image reference: repository names are lower-case`;
        }
        return (
            `'${reference}' is not a valid image reference; expected [registry/]repository:tag or repository@sha256:<digest>, e.g. ` +
            `postgres:17`
        );
    }
    const [, name, tag, digest] = match;
    if (name.length > MAX_NAME_LENGTH) {
        return `'${reference}' has a repository name longer than ${MAX_NAME_LENGTH} characters`;
    }
    if (tag === undefined && digest === undefined) {
        return (
            `'${reference}' has no tag or digest, which means ':latest' and changes under you; pin one, e.g. ${name}:<version> or ` +
            `${name}@sha256:<digest>`
        );
    }
    return undefined;
}

/** An image reference without its tag or digest: `ghcr.io/acme/catalog:1.4@sha256:…` → `ghcr.io/acme/catalog`. */
export function imageRepository(reference: string): string {
    return reference.split("@")[0].replace(/:[^/]*$/, "");
}

/** The major version a PostgreSQL image's tag names (`postgres:17.6` → 17, `…/postgresql:17-standard-trixie` → 17). */
export function postgresMajor(reference: string): number | undefined {
    const tag = /:(\d+)(?:[.-][^/@]*)?(?:@|$)/.exec(reference.replace(/^[^/]*:\d+\//, ""));
    return tag ? Number(tag[1]) : undefined;
}
