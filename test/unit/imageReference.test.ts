/**
 * Image references as Docker parses them.
 */
import { imageReferenceProblem } from "../../components/service/imageReference";

describe("imageReferenceProblem", () => {
    it.each([
        "postgres:17",
        "flyway/flyway:11",
        "traefik/whoami:v1.11.0",
        "ghcr.io/acme/catalog:1.4.2",
        "localhost:5000/catalog:dev",
        "registry:5000/team/catalog:2024-06-01_1",
        `postgres@sha256:${"0123456789abcdef".repeat(4)}`,
        `postgres:17.2@sha256:${"0123456789abcdef".repeat(4)}`,
    ])("accepts %s", (reference) => {
        expect(imageReferenceProblem(reference)).toBeUndefined();
    });

    it.each([
        ["postgres", "has no tag or digest"],
        ["ghcr.io/acme/catalog", "has no tag or digest"],
        ["Flyway/flyway:11", "repository names are lower-case"],
        ["ghcr.io/Acme/catalog:1", "repository names are lower-case"],
        ["postgres:", "is not a valid image reference"],
        ["post gres:17", "is not a valid image reference"],
        ["postgres:17:1", "is not a valid image reference"],
        ["-postgres:17", "is not a valid image reference"],
        ["postgres:.17", "is not a valid image reference"],
        ["", "is not a valid image reference"],
    ])("rejects %s", (reference, expected) => {
        expect(imageReferenceProblem(reference)).toContain(expected);
    });

    it("rejects repository names longer than 255 characters", () => {
        expect(imageReferenceProblem(`acme/${"a".repeat(260)}:1`)).toContain("longer than 255 characters");
    });
});
