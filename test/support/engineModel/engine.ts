/**
 * A stand-in for the Pulumi engine, faithful where this project depends on it, so that a test can deploy, change
 * something and preview or update again, as an operator does. Read in pulumi/pulumi (pkg/resource/deploy):
 * - a resource whose inputs equal its stored state is a SameStep, and the program gets its *stored* id and outputs,
 *   in a preview too (step.go, SameStep.Apply);
 * - a changed resource is updated in place or replaced, as its provider's diff says; during a preview, outputs the
 *   provider cannot know yet are unknown to the program (mocks.js: properties a mock leaves out are unknown);
 * - replacements of delete-before-replace resources delete the old one first, and before it every resource that
 *   would be replaced because one of its *inputs* comes from it; a `dependsOn` edge alone never pulls a resource in
 *   (step_generator.go, calculateDependentReplacements);
 * - resources the program no longer registers are deleted only when the program finished without an error
 *   (deployment_executor.go: GenerateDeletes runs only after a clean exit); retainOnDelete drops them from the state
 *   without deleting them;
 * - a create that fails rejects the URN, id and every output of that resource in the program. Under
 *   `--continue-on-error` the engine answers such a registration with result FAIL, and one that depends on a failed
 *   resource with SKIP (step.go, Fail/Skip; deployment_executor.go), and the SDK this project uses (3.252 and later)
 *   rejects them all (runtime/resource.js, `resultFailed`).
 * The providers' read-back and diff rules are in providers.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import { CONTAINER, digestOf, providers, RANDOM_PASSWORD, LOGS_INVOKE, REGISTRY_IMAGE_INVOKE, REMOTE_IMAGE } from "./providers";

// Internal to the SDK (no public types), hence require: waitForRPCs is how the real language host knows a program has
// finished (every registration, including the ones waiting on a migration gate, has reached the engine or failed);
// the mock monitor and setMockOptions are what pulumi.runtime.setMocks uses underneath.
export const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks") as { MockMonitor: new (mocks: pulumi.runtime.Mocks) => any };
const resproto = require("@pulumi/pulumi/proto/resource_pb");
const { setMockOptions } = require("@pulumi/pulumi/runtime/settings") as {
    setMockOptions(monitor: unknown, project: string, stack: string, preview: boolean): void;
};

export type StepKind = "same" | "create" | "update" | "replace" | "delete";

/** A provider's error on a create: the engine reports it, not the program. */
class ProviderFailure extends Error {}

/** One resource as the program registered it. */
export interface Registration {
    type: string;
    name: string;
    urn: string;
    inputs: Record<string, any>;
    /** URNs of the resources it waits for (`dependsOn` and inputs). */
    dependencies: string[];
    /** By input: the URNs of the resources whose outputs it is made of. */
    propertyDependencies: Record<string, string[]>;
    deleteBeforeReplace: boolean;
    retainOnDelete: boolean;
    /** Where the program created it (`file:line:column`), as the SDK reports it to the engine. */
    sourcePosition?: string;
    /** The `customTimeouts` option: how long the engine lets the provider create, update and delete. */
    customTimeouts?: { create?: string; update?: string; delete?: string };
    /** The `replaceOnChanges` option. */
    replaceOnChanges: string[];
}

/** How a service's Flyway run ends; the default is success. */
export interface FlywayResult {
    exitCode: number;
    log: string;
}

export const SUCCESS_LOG = 'Successfully applied 3 migrations to schema "public", now at version v3 (execution time 00:00.041s)';
export const CONTRACT_SUCCESS_LOG = 'Successfully applied 1 migration to schema "public", now at version v1 (execution time 00:00.012s)';

export interface RunOptions {
    preview?: boolean;
    stack?: string;
    config?: Record<string, string>;
    /** By service name: how its Flyway container exits when created in this run. */
    flywayResults?: Record<string, FlywayResult>;
    /** By resource name: how any other attached (one-shot) container exits when created in this run; default 0. */
    exitResults?: Record<string, FlywayResult>;
    /** Flyway containers finish only once this settles, as `attach` keeps a real create open until the exit. */
    flywayFinishes?: Promise<void>;
    /** Simulated provider time of a create, in milliseconds. */
    createTime?: (type: string, name: string) => number;
    /** By resource name: the provider error its create fails with in this run. */
    failCreate?: Record<string, string>;
    /** By image reference: the error its registry lookup fails with in this run (a registry down, a tag that is gone). */
    failLookup?: Record<string, string>;
    /** `--replace`, by resource name: the engine replaces these whatever the provider's diff says. */
    replace?: string[];
    /** Called with each event as it happens (see RunResult.events). */
    onEvent?: (event: string) => void;
}

interface Stored {
    type: string;
    name: string;
    id: string;
    state: Record<string, any>;
    retainOnDelete: boolean;
    propertyDependencies: Record<string, string[]>;
    /** The `replaceOnChanges` option it was last registered with. */
    replaceOnChanges: string[];
    /** Set when the create failed after the object existed: the provider's error. */
    initErrors?: string;
}

export interface RunResult {
    registrations: Registration[];
    /**
     * What the engine itself prints against a resource: a provider's error on a failed create. The program sees only
     * that the registration failed (result FAIL), never the provider's message.
     */
    diagnostics: { resource: string; message: string }[];
    /** `registered <name>`, `deleted <name>`, `created <name>`, `updated <name>` in the order they happened. */
    events: string[];
    /** What the engine did (or, in a preview, would do) with each resource, by name. */
    steps: Record<string, StepKind>;
}

function customTimeouts(request: any): Registration["customTimeouts"] {
    const timeouts = request.getCustomtimeouts?.();
    if (!timeouts) return undefined;
    const set = (value: string) => (value === "" ? undefined : value);
    return { create: set(timeouts.getCreate()), update: set(timeouts.getUpdate()), delete: set(timeouts.getDelete()) };
}

function propertyDependencies(request: any): Record<string, string[]> {
    const map = request.getPropertydependenciesMap?.();
    const found: Record<string, string[]> = {};
    map?.forEach((deps: any, key: string) => {
        found[key] = deps.getUrnsList();
    });
    return found;
}

function sourcePosition(request: any): string | undefined {
    const position = request.getSourceposition?.();
    return position ? `${position.getUri()}:${position.getLine()}:${position.getColumn()}` : undefined;
}

export class FakeEngine {
    /** The stack's state after the last update, by URN. */
    private state = new Map<string, Stored>();
    private generation = 0;
    /** How often each random resource was created: a re-created password is a new password. */
    private readonly randomCreations = new Map<string, number>();
    /** What each registry serves for a tag today, by image reference; tests move tags by setting an entry. */
    readonly registry = new Map<string, string>();
    /** Every image reference the program asked its registry about, in order. */
    readonly registryLookups: string[] = [];
    /** Images present on the Docker host, by reference: RemoteImage pulls only what is missing. */
    private readonly hostImages = new Map<string, string>();
    /** By container name: the log of each one-shot container the host has (Docker keeps an exited container's log). */
    private readonly containerLogs = new Map<string, { log: string; at: number }>();
    /** Resources deleted early by a delete-before-replace of something they are made from, to be created again. */
    private readonly recreating = new Set<string>();

    /** Installs this engine as the program's monitor for one run; returns what the run registered and did. */
    async install(project: string, options: RunOptions): Promise<{ result: RunResult; finish(failed: boolean): void }> {
        const run: RunResult = { registrations: [], diagnostics: [], events: [], steps: {} };
        const emit = (event: string) => {
            run.events.push(event);
            options.onEvent?.(event);
        };
        const registered = new Set<string>();
        const preview = options.preview ?? false;
        let current: any;
        const mocks: pulumi.runtime.Mocks = {
            newResource: async (args) => {
                const request = current;
                const urn = monitor.newUrn(request.getParent(), args.type, args.name) as string;
                registered.add(urn);
                run.registrations.push({
                    type: args.type,
                    name: args.name,
                    urn,
                    inputs: args.inputs,
                    dependencies: request.getDependenciesList(),
                    propertyDependencies: propertyDependencies(request),
                    deleteBeforeReplace: request.getDeletebeforereplace(),
                    retainOnDelete: request.getRetainondelete() ?? false,
                    sourcePosition: sourcePosition(request),
                    customTimeouts: customTimeouts(request),
                    replaceOnChanges: request.getReplaceonchangesList(),
                });
                emit(`registered ${args.name}`);
                if (!args.custom) return { id: undefined, state: {} };
                return this.step(urn, args.type, args.name, args.inputs, request, options, run, emit);
            },
            call: (args) => this.invoke(args, options),
        };
        const monitor = new MockMonitor(mocks);
        const register = monitor.registerResource.bind(monitor);
        // The SDK's mock monitor hands mocks only type, name and inputs; the request also carries the parent (for the
        // URN), dependencies and resource options, which the engine model needs. newResource is called synchronously.
        // A create that fails is the engine's to report: it prints the provider's error against the resource and, as
        // the pipeline runs (`--continue-on-error`), answers the registration with result FAIL, which the SDK turns into
        // rejected outputs (pkg/resource/deploy/source_eval.go, Result_FAIL; runtime/resource.js, resultFailed).
        monitor.registerResource = (req: any, callback: (err: unknown, response?: unknown) => void) => {
            current = req;
            return register(req, (err: unknown, response?: unknown) => {
                if (!(err instanceof ProviderFailure)) return callback(err, response);
                run.diagnostics.push({ resource: req.getName(), message: err.message });
                const failed = new resproto.RegisterResourceResponse();
                failed.setUrn(monitor.newUrn(req.getParent(), req.getType(), req.getName()));
                failed.setResult(resproto.Result.FAIL);
                callback(null, failed);
            });
        };
        setMockOptions(monitor, project, options.stack ?? "dev", preview);
        pulumi.runtime.setAllConfig(options.config ?? {});
        return {
            result: run,
            finish: (failed: boolean) => {
                if (preview) {
                    for (const [urn, old] of this.state) if (!registered.has(urn) && !failed) run.steps[old.name] = "delete";
                    return;
                }
                for (const [urn, old] of [...this.state]) {
                    if (registered.has(urn) || failed) continue;
                    this.state.delete(urn);
                    run.steps[old.name] = "delete";
                    emit(`${old.retainOnDelete ? "retained" : "deleted"} ${old.name}`);
                }
            },
        };
    }

    /**
     * What the engine does with a registered resource it already has (step_generator.go): the provider's diff, with
     * `replaceOnChanges` turning a change of a listed property into a replacement, and init errors left by a failed
     * create turning into a replacement when `replaceOnChanges` lists "#initerror" (applyReplaceOnChanges), or when
     * the provider asks for one itself (pulumi-kubernetes' replaceUnready); otherwise into an update, which waits on
     * the object again.
     */
    private plan(type: string, old: Stored, inputs: Record<string, any>, replaceOnChanges: string[]): StepKind {
        const diff = providers.diff(type, old.state, inputs);
        const listed = (key: string) => listedIn(replaceOnChanges, key);
        if (old.initErrors) {
            return listed("#initerror") || providers.replacesUnready(type, inputs) ? "replace" : diff.replace ? "replace" : "update";
        }
        if (diff.changed.length === 0) return "same";
        return diff.replace || diff.changed.some(listed) ? "replace" : "update";
    }

    /** URNs of the resources in the stack's state. */
    urns(): string[] {
        return [...this.state.keys()];
    }

    /** Names of the resources in the stack's state. */
    resourceNames(): string[] {
        return [...this.state.values()].map((s) => s.name);
    }

    /** Forgets the whole stack, as `pulumi destroy` then `pulumi stack rm` would; what the host keeps stays. */
    destroy(): void {
        this.state.clear();
    }

    private async step(
        urn: string,
        type: string,
        name: string,
        inputs: Record<string, any>,
        request: any,
        options: RunOptions,
        run: RunResult,
        emit: (event: string) => void,
    ) {
        const preview = options.preview ?? false;
        const old = this.state.get(urn);
        const kind = old
            ? options.replace?.includes(name)
                ? "replace"
                : this.plan(type, old, inputs, request.getReplaceonchangesList() as string[])
            : this.recreating.has(urn)
              ? "replace"
              : "create";
        run.steps[name] = kind;
        if (kind === "same") {
            return { id: old!.id, state: old!.state };
        }
        if (preview) {
            // A create or replacement has no id yet and no computed outputs; an update keeps both.
            return kind === "update"
                ? { id: old!.id, state: { ...old!.state, ...providers.readBack(type, inputs) } }
                : { id: undefined, state: { ...inputs } };
        }
        if (kind === "update") {
            if (old!.initErrors && providers.stillFailing(type)) {
                // The provider waits on it again, and it is still what it was: failed (pulumi-kubernetes await.go).
                emit(`failed ${name}`);
                throw new Error(old!.initErrors);
            }
            const state = providers.update(type, old!.state, inputs);
            this.state.set(urn, {
                ...old!,
                state,
                propertyDependencies: propertyDependencies(request),
                replaceOnChanges: request.getReplaceonchangesList(),
                initErrors: undefined,
            });
            emit(`updated ${name}`);
            return { id: old!.id, state };
        }
        if (kind === "replace" && old && request.getDeletebeforereplace()) {
            for (const dependent of this.dependentReplacements(urn).reverse()) {
                const stored = this.state.get(dependent)!;
                this.state.delete(dependent);
                this.recreating.add(dependent);
                emit(`deleted ${stored.name}`);
            }
            this.state.delete(urn);
            emit(`deleted ${name}`);
        }
        this.recreating.delete(urn);
        const delay = options.createTime?.(type, name) ?? 0;
        if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
        const failure = options.failCreate?.[name];
        if (failure !== undefined) {
            if (providers.keepsPartialState(type)) {
                // The object exists, not initialized: the provider returns its state with the error, and the engine
                // keeps it with init errors (terraform-provider-docker sets the id before it starts the container;
                // pulumi-kubernetes returns a PartialError with the live object).
                this.state.set(urn, {
                    type,
                    name,
                    id: `${name}-id-${++this.generation}`,
                    state: providers.readBack(type, inputs),
                    retainOnDelete: false,
                    propertyDependencies: propertyDependencies(request),
                    replaceOnChanges: request.getReplaceonchangesList(),
                    initErrors: failure,
                });
            }
            emit(`failed ${name}`);
            throw new ProviderFailure(failure);
        }
        const state = { ...providers.readBack(type, inputs), ...(await this.computedOutputs(type, name, inputs, options)) };
        const id = `${name}-id-${++this.generation}`;
        this.state.set(urn, {
            type,
            name,
            id,
            state,
            retainOnDelete: request.getRetainondelete() ?? false,
            propertyDependencies: propertyDependencies(request),
            replaceOnChanges: request.getReplaceonchangesList(),
        });
        emit(`created ${name}`);
        return { id, state };
    }

    /**
     * The stored resources the engine deletes ahead of a delete-before-replace of `root`, in dependency order
     * (step_generator.go, calculateDependentReplacements): those with an input made from a resource being replaced,
     * when the provider would replace them for that input turning unknown, or their `replaceOnChanges` lists it
     * (applyReplaceOnChanges on that diff). Only inputs count: `dependsOn` does not.
     */
    private dependentReplacements(root: string): string[] {
        const replaced = new Set([root]);
        const found: string[] = [];
        let grew = true;
        while (grew) {
            grew = false;
            for (const [urn, stored] of this.state) {
                if (replaced.has(urn)) continue;
                const keys = Object.entries(stored.propertyDependencies)
                    .filter(([, urns]) => urns.some((u) => replaced.has(u)))
                    .map(([key]) => key);
                const replaces = providers.replacesFor(stored.type, keys) || keys.some((key) => listedIn(stored.replaceOnChanges, key));
                if (keys.length > 0 && replaces) {
                    replaced.add(urn);
                    found.push(urn);
                    grew = true;
                }
            }
        }
        return found;
    }

    /** What a create reports besides the inputs. */
    private async computedOutputs(
        type: string,
        name: string,
        inputs: Record<string, any>,
        options: RunOptions,
    ): Promise<Record<string, any>> {
        if (type === REMOTE_IMAGE) {
            // resource_docker_image_funcs.go findImage: pulls only when the name is not on the host yet.
            if (!this.hostImages.has(inputs.name)) this.hostImages.set(inputs.name, digestOf(`image ${this.servedDigest(inputs.name)}`));
            return { imageId: this.hostImages.get(inputs.name) };
        }
        if (type === RANDOM_PASSWORD) {
            const creations = (this.randomCreations.get(name) ?? 0) + 1;
            this.randomCreations.set(name, creations);
            return { result: `mock-password-of-${name}${creations > 1 ? `-${creations}` : ""}` };
        }
        if (type === CONTAINER && inputs.attach) {
            // attach: the create waits for the exit; exit_code and container_logs are read then
            // (resource_docker_container_funcs.go), and only then.
            const flyway = name.endsWith("-flyway");
            if (flyway) await options.flywayFinishes;
            const contract = name.endsWith("-flyway-contract");
            const result =
                (flyway ? options.flywayResults?.[name.replace(/-flyway$/, "")] : options.exitResults?.[name]) ??
                ({ exitCode: 0, log: flyway ? SUCCESS_LOG : contract ? CONTRACT_SUCCESS_LOG : "" } satisfies FlywayResult);
            // A container run through the contract phase's script (contractAttempt.ts, markedScript): unless its run is
            // deferred (its deferral variable set), the command's log, then its exit and attempt as the last line.
            const script = (inputs.entrypoints ?? []).join(" ");
            const marked = /echo "library-contract-exit=\$code attempt=\$(\w+)"/.exec(script);
            const deferral = /if \[ -n "\$(\w+)" \]; then/.exec(script);
            const env = (name: string | undefined) =>
                name === undefined
                    ? undefined
                    : (inputs.envs as string[] | undefined)
                          ?.find((e) => e.startsWith(`${name}=`))
                          ?.split("=")
                          .slice(1)
                          .join("=");
            const deferred = env(deferral?.[1]);
            const [exitCode, ran] = deferred ? [0, deferred] : [result.exitCode, result.log];
            const log = marked ? `${ran}\nlibrary-contract-exit=${deferred ? "deferred" : exitCode} attempt=${env(marked[1]) ?? ""}` : ran;
            this.containerLogs.set(inputs.name, { log, at: ++this.generation });
            return { exitCode, containerLogs: log, mustRun: inputs.mustRun };
        }
        return {};
    }

    /** The digest a registry serves for `reference` (a pinned digest is itself). */
    private servedDigest(reference: string): string {
        const pinned = /@(sha256:[0-9a-f]+)$/.exec(reference);
        return pinned ? pinned[1] : (this.registry.get(reference) ?? digestOf(`registry ${reference}`));
    }

    private invoke(args: pulumi.runtime.MockCallArgs, options: RunOptions): Record<string, any> {
        if (args.token === REGISTRY_IMAGE_INVOKE) {
            const failure = options.failLookup?.[args.inputs.name];
            if (failure !== undefined) throw new Error(failure);
            // data_source_docker_registry_image.go: a HEAD on the manifest; the digest from Docker-Content-Digest.
            this.registryLookups.push(args.inputs.name);
            return { id: args.inputs.name, name: args.inputs.name, sha256Digest: this.servedDigest(args.inputs.name) };
        }
        if (args.token === LOGS_INVOKE && args.inputs.timestamps) {
            // data_source_docker_logs.go: the daemon's log of a container by name, or an error when there is none.
            const stored = [...this.state.values()].find((r) => r.type === CONTAINER && r.state.name === args.inputs.name);
            if (stored === undefined) {
                // The engine answers a failed invoke with a gRPC error whose details carry the provider's message, which the
                // SDK's rejection takes as its message (runtime/invoke.js); a mock's error reaches the SDK the same way.
                const message = `Error response from daemon: No such container: ${args.inputs.name}`;
                throw Object.assign(new Error(message), { details: message });
            }
            // A container that logged nothing (an app, in the model) has an empty log.
            const written = this.containerLogs.get(args.inputs.name) ?? { log: "", at: 0 };
            const lines = written.log === "" ? [] : written.log.split("\n");
            const shown = args.inputs.tail === undefined ? lines : lines.slice(-Number(args.inputs.tail));
            // Docker's RFC 3339 timestamps, written with each line (the model's generation at the run stands for time).
            const at = (i: number) => `2026-01-01T00:00:00.${String(written.at).padStart(6, "0")}${i}Z`;
            return { ...args.inputs, logsListStrings: shown.map((line, i) => `${at(i)} ${line}`) };
        }
        throw new Error(`the engine model has no invoke ${args.token}`);
    }
}

/** Whether `replaceOnChanges` lists the top-level property `key` (a path into it, the key itself, or `*`). */
function listedIn(replaceOnChanges: readonly string[], key: string): boolean {
    return replaceOnChanges.some((path) => path === "*" || path === key || path.startsWith(`${key}.`) || key.startsWith(`${path}.`));
}
