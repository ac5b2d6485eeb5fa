/**
 * A local container registry for the stand-in images, so that the program follows their tags exactly as it follows
 * Docker Hub's (library:followImageTags, the default): the registry lookup, the digest in the pulled name, the pull.
 *
 * The program resolves a tag with `docker.getRegistryImage`, a HEAD request on the manifest that the docker provider
 * sends over HTTPS whenever no `registry_auth` entry of the provider names the registry (terraform-provider-docker
 * data_source_docker_registry_image.go, getImageDigest), so the registry serves TLS with a certificate of a CA of its
 * own. The provider is a Go program: it trusts that CA through SSL_CERT_FILE, set only in the environment of the
 * Pulumi commands the test runs (Go's crypto/x509 root_unix.go, loadSystemRoots: SSL_CERT_FILE replaces the list of
 * bundle files, the system's certificate folders are still read; the bundle keeps the system's roots anyway, for
 * machines without those folders). Nothing on the machine is changed. Docker's own pulls and pushes need no CA: the
 * engine treats registries on 127.0.0.0/8 as insecure, trying HTTPS without verification, then HTTP (moby
 * registry/config.go, loadInsecureRegistries; registry.go, newTLSConfig).
 *
 * The registry is CNCF Distribution's, built with `go install` from the Go module proxy once and cached.
 */
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as https from "https";
import * as os from "os";
import * as path from "path";
import { freePort } from "../../../tools/lib/freePort";
import { sleep } from "./dockerEngine";

const REGISTRY_MODULE = "github.com/distribution/distribution/v3/cmd/registry";
const REGISTRY_VERSION = "v3.1.2";
const START_TIMEOUT_MS = 30_000;
/** The system's roots, which the bundle keeps so that other HTTPS the provider makes still verifies. */
const SYSTEM_ROOTS = ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem"];

export interface LocalRegistry {
    /** `127.0.0.1:<port>`, the prefix of every image name pushed to it. */
    host: string;
    /** Environment for the Pulumi commands: SSL_CERT_FILE with the registry's CA. */
    env: Record<string, string>;
    stop(): Promise<void>;
}

/** The registry binary, built into a cache folder on first use. */
function registryBinary(): string {
    const cache = path.join(
        process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"),
        "library-stack",
        `registry-${REGISTRY_VERSION}`,
    );
    const binary = path.join(cache, "registry");
    if (fs.existsSync(binary)) return binary;
    if (spawnSync("go", ["version"]).error) {
        throw new Error(
            `the stand-in images are served by a local registry built with Go (${REGISTRY_MODULE}@${REGISTRY_VERSION}), ` +
                "and `go` is not on the PATH: install Go 1.24 or later (or, where images can be pulled, set LIBRARY_REAL_IMAGES=official)",
        );
    }
    fs.mkdirSync(cache, { recursive: true });
    const build = spawnSync("go", ["install", `${REGISTRY_MODULE}@${REGISTRY_VERSION}`], {
        env: { ...process.env, GOBIN: cache, GOFLAGS: "-mod=mod" },
        encoding: "utf8",
    });
    if (build.status !== 0) throw new Error(`go install ${REGISTRY_MODULE}@${REGISTRY_VERSION} failed:\n${build.stderr}`);
    return binary;
}

function openssl(args: string[], cwd: string): void {
    const run = spawnSync("openssl", args, { cwd, encoding: "utf8" });
    if (run.error) throw new Error("the local registry needs `openssl` for its certificate (Debian: apt-get install openssl)");
    if (run.status !== 0) throw new Error(`openssl ${args.join(" ")} failed:\n${run.stderr}`);
}

/** A CA, and a certificate for 127.0.0.1 and localhost signed by it. */
function certificates(dir: string): { ca: string; cert: string; key: string } {
    openssl(
        ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=library-stack test CA"].concat([
            "-keyout",
            "ca.key",
            "-out",
            "ca.crt",
        ]),
        dir,
    );
    openssl(["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "registry.key", "-out", "registry.csr"], dir);
    fs.writeFileSync(path.join(dir, "san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    openssl(
        ["x509", "-req", "-in", "registry.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2"].concat([
            "-extfile",
            "san.ext",
            "-out",
            "registry.crt",
        ]),
        dir,
    );
    return { ca: path.join(dir, "ca.crt"), cert: path.join(dir, "registry.crt"), key: path.join(dir, "registry.key") };
}

export async function startLocalRegistry(workDir: string): Promise<LocalRegistry> {
    const binary = registryBinary();
    const dir = fs.mkdtempSync(path.join(workDir, "registry-"));
    const { ca, cert, key } = certificates(dir);
    const port = await freePort();
    const host = `127.0.0.1:${port}`;
    const config = path.join(dir, "config.yml");
    fs.writeFileSync(
        config,
        [
            "version: 0.1",
            "log: { level: warn }",
            `storage: { filesystem: { rootdirectory: ${JSON.stringify(path.join(dir, "data"))} }, delete: { enabled: true } }`,
            `http: { addr: ${JSON.stringify(host)}, tls: { certificate: ${JSON.stringify(cert)}, key: ${JSON.stringify(key)} } }`,
            "",
        ].join("\n"),
    );
    const log = path.join(dir, "registry.log");
    const server = spawn(binary, ["serve", config], { stdio: ["ignore", fs.openSync(log, "a"), fs.openSync(log, "a")] });
    const roots = SYSTEM_ROOTS.find((file) => fs.existsSync(file));
    const bundle = path.join(dir, "roots-and-registry-ca.pem");
    fs.writeFileSync(bundle, (roots ? fs.readFileSync(roots, "utf8") + "\n" : "") + fs.readFileSync(ca, "utf8"));
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!(await answers(host, fs.readFileSync(ca)))) {
        if (server.exitCode !== null || Date.now() > deadline) {
            server.kill("SIGTERM");
            throw new Error(`the local registry did not start on ${host}; its log:\n${fs.readFileSync(log, "utf8").slice(-3000)}`);
        }
        await sleep(200);
    }
    return { host, env: { SSL_CERT_FILE: bundle }, stop: () => stopServer(server) };
}

/** Whether the registry answers its API root over TLS with our CA (200 without authentication). */
function answers(host: string, ca: Buffer): Promise<boolean> {
    return new Promise((resolve) => {
        const request = https.get(`https://${host}/v2/`, { ca, timeout: 1000 }, (response) => {
            response.resume();
            resolve(response.statusCode === 200);
        });
        request.on("error", () => resolve(false));
        request.on("timeout", () => request.destroy());
    });
}

async function stopServer(server: ChildProcess): Promise<void> {
    if (server.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => server.once("exit", () => resolve()));
    server.kill("SIGTERM");
    await exited;
}
