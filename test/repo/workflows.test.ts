/**
 * The GitHub Actions workflows: tests before previews and deploys, every stack previewed and deployed, credentials only
 * from the secret store.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { validateStack } from "../../components/config/validateStack";
import { NAMESPACE, PROJECT_DIR, rawConfig, stackNames } from "../../tools/lib/repository";

interface Step {
    name?: string;
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
    env?: Record<string, string>;
}
interface Job {
    needs?: string | string[];
    environment?: string;
    concurrency?: { group: string; "cancel-in-progress": boolean };
    strategy?: { matrix: Record<string, unknown[]> };
    env?: Record<string, string>;
    steps: Step[];
}
interface Workflow {
    on: Record<string, unknown>;
    jobs: Record<string, Job>;
}

const WORKFLOWS = path.join(PROJECT_DIR, ".github", "workflows");
const workflow = (file: string) => parse(fs.readFileSync(path.join(WORKFLOWS, file), "utf8")) as Workflow;
const pulumiVersion = (
    JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package-lock.json"), "utf8")) as { packages: Record<string, { version: string }> }
).packages["node_modules/pulumi"].version;

const installsAndTests = (job: Job) => {
    const runs = job.steps.map((s) => s.run);
    expect(runs).toContain("npm ci");
    expect(runs.indexOf("npm test")).toBeGreaterThan(runs.indexOf("npm ci"));
    // The SQL tests run real Flyway, which needs Java 17 or later (and Maven, on the runner image).
    const java = job.steps.findIndex((s) => s.uses?.startsWith("actions/setup-java@"));
    expect(java).toBeGreaterThanOrEqual(0);
    expect(Number(job.steps[java].with?.["java-version"])).toBeGreaterThanOrEqual(17);
    expect(java).toBeLessThan(runs.indexOf("npm test"));
};
const pulumiStep = (job: Job, command: string) =>
    job.steps.find((s) => s.uses?.startsWith("pulumi/actions@") && s.with?.command === command);

describe("pull-request workflow", () => {
    const pr = workflow("pull-request.yml");

    it("runs on pull requests: installs from the lockfile and runs the tests", () => {
        expect(Object.keys(pr.on)).toEqual(["pull_request"]);
        installsAndTests(pr.jobs.test);
    });

    it("checks new migrations against the base branch's lock, with the history to find it", () => {
        const test = pr.jobs.test;
        expect(test.steps.map((s) => s.run)).toContain("npm run verify-migrations -- --base origin/${{ github.base_ref }}");
        expect(test.steps.find((s) => s.uses?.startsWith("actions/checkout@"))?.with?.["fetch-depth"]).toBe(0);
    });

    it("runs the real-engine test after the tests, with the official images (the runner can pull them)", () => {
        const real = pr.jobs["real-engine"];
        expect(real.needs).toBe("test");
        const runs = real.steps.map((s) => s.run);
        expect(runs.indexOf("npm run test:real")).toBeGreaterThan(runs.indexOf("npm ci"));
        // Neither stand-ins nor an offline toolchain: what a user with internet runs.
        expect(JSON.stringify(real)).not.toMatch(/LIBRARY_REAL_IMAGES|PULUMI_TOOLCHAIN_DIR/);
    });

    it("posts `pulumi preview --diff` of every stack on the pull request, with the official action, after the tests", () => {
        const preview = pr.jobs.preview;
        expect(preview.needs).toBe("test");
        const matrix = preview.strategy!.matrix.include as { stack: string; target: string }[];
        expect(matrix.map((m) => m.stack).sort()).toEqual(stackNames());
        // Each stack previewed with the credentials of its own target.
        for (const { stack, target } of matrix) expect(validateStack(rawConfig(stack), PROJECT_DIR, NAMESPACE, stack).target).toBe(target);
        expect(preview.steps.map((s) => s.run)).toContain("npm ci");
        const step = pulumiStep(preview, "preview")!;
        expect(step).toBeDefined();
        expect(step.uses).toMatch(/^pulumi\/actions@v\d+$/);
        // upsert: on a fresh backend the stack does not exist yet, and a preview of a missing stack fails.
        expect(step.with).toMatchObject({
            "stack-name": "${{ matrix.stack }}",
            diff: true,
            "comment-on-pr": true,
            "pulumi-version": pulumiVersion,
            upsert: true,
        });
    });
});

describe("deploy workflow", () => {
    const deploy = workflow("deploy.yml");
    const deployJobs = Object.entries(deploy.jobs).filter(([name]) => name.startsWith("deploy-"));

    it("runs on main, tests first", () => {
        expect(deploy.on.push).toEqual({ branches: ["main"] });
        installsAndTests(deploy.jobs.test);
    });

    it("deploys every stack, one after another, dev first", () => {
        expect(deployJobs.map(([name]) => name.replace("deploy-", "")).sort()).toEqual(stackNames());
        expect(deploy.jobs["deploy-dev"].needs).toBe("test");
        expect(deploy.jobs["deploy-prod"].needs).toBe("deploy-dev");
        expect(deploy.jobs["deploy-k8s"].needs).toBe("deploy-dev");
    });

    it.each(stackNames())("allows one deployment of %s at a time, and never cancels one half-way", (stack) => {
        const job = deploy.jobs[`deploy-${stack}`];
        expect(job.environment).toBe(stack);
        expect(job.concurrency).toEqual({ group: `deploy-${stack}`, "cancel-in-progress": false });
    });

    it.each(stackNames())("migrates %s as its own step, then rolls out the apps", (stack) => {
        const job = deploy.jobs[`deploy-${stack}`];
        const migrate = job.steps.findIndex((s) => s.run?.startsWith(`npm run migrate -- --stack ${stack} `));
        const up = pulumiStep(job, "up")!;
        expect(migrate).toBeGreaterThan(job.steps.findIndex((s) => s.run === "npm ci"));
        expect(job.steps.indexOf(up)).toBeGreaterThan(migrate);
        // The stack is created on a fresh backend (migrate-only selects it with --create); a failing resource stops only
        // what depends on it, so one broken service does not hold back the others.
        expect(up.with).toMatchObject({ "stack-name": stack, "pulumi-version": pulumiVersion, upsert: true, "continue-on-error": true });
        expect(job.steps[migrate].run!.split(" ")).toEqual(expect.arrayContaining(["--yes", "--non-interactive", "--continue-on-error"]));
    });
});

describe("secrets in workflows", () => {
    const files = fs.readdirSync(WORKFLOWS).filter((f) => f.endsWith(".yml"));

    it.each(files)("%s takes every credential from the CI's secret store", (file) => {
        const text = fs.readFileSync(path.join(WORKFLOWS, file), "utf8");
        const credentials = [
            ...text.matchAll(/^\s*(PULUMI_ACCESS_TOKEN|PULUMI_CONFIG_PASSPHRASE|DOCKER_HOST|ssh-private-key|github-token):\s*(.+)$/gm),
        ];
        expect(credentials.length).toBeGreaterThan(0);
        for (const [, key, value] of credentials) {
            expect({ key, value: value.trim() }).toEqual({ key, value: expect.stringMatching(/^\$\{\{ secrets\.[A-Z_]+ \}\}$/) });
        }
    });
});
