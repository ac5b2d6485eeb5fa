/**
 * The README and docs/: every link points at a file that exists and, with an anchor, at a heading that file has (by
 * GitHub's own slugs), so a moved section or file is a failing test instead of a dead link; and the README stays a
 * page a newcomer reads in minutes.
 */
import GithubSlugger from "github-slugger";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_DIR } from "../../tools/lib/repository";

const DOCS = ["README.md", ...fs.readdirSync(path.join(PROJECT_DIR, "docs")).map((f) => path.join("docs", f))].filter((f) =>
    f.endsWith(".md"),
);

/** The text outside fenced code blocks, where links are links. */
function prose(markdown: string): string {
    return markdown.replace(/^```[\s\S]*?^```/gm, "");
}

/** The anchors GitHub gives a file's headings. */
function anchors(file: string): Set<string> {
    const slugger = new GithubSlugger();
    const headings = [...prose(fs.readFileSync(file, "utf8")).matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => m[1]);
    return new Set(headings.map((heading) => slugger.slug(heading.replace(/`/g, ""))));
}

describe.each(DOCS)("%s", (doc) => {
    const file = path.join(PROJECT_DIR, doc);
    const links = [...prose(fs.readFileSync(file, "utf8")).matchAll(/\]\(([^)\s]+)\)/g)]
        .map((m) => m[1])
        .filter((l) => !/^[a-z]+:/.test(l));

    it("links only to files and headings that exist", () => {
        for (const link of links) {
            const [target, anchor] = link.split("#");
            const linked = target === "" ? file : path.resolve(path.dirname(file), target);
            expect({ link, exists: fs.existsSync(linked) }).toEqual({ link, exists: true });
            if (anchor !== undefined) expect({ link, anchor: anchors(linked).has(anchor) }).toEqual({ link, anchor: true });
        }
    });
});

it("keeps the README short, and every doc reachable from it", () => {
    const readme = fs.readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8");
    expect(readme.split("\n").length).toBeLessThanOrEqual(160);
    for (const doc of DOCS.filter((d) => d !== "README.md"))
        expect({ doc, linked: readme.includes(`](${doc})`) }).toEqual({ doc, linked: true });
});
