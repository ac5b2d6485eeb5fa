/**
 * Keys of a target other than the stack's: refused by name, generically, saying which target reads them and what
 * this one does instead, rather than reported as unknown. A key is another target's when this target's schema does
 * not know it at that path and another target's does (`hostPort` on Kubernetes, `health.command` there too,
 * `database` on Docker, `publishAddress` on Kubernetes).
 */
import { keysAt } from "../service/problems";
import type { TargetDefinition } from "../targets/definition";
import type { TargetRegistry } from "../targets/registry";
import { baseStackShape, serviceConfigSchema } from "./stackConfig";

export interface ForeignKeys {
    problems: string[];
    /** The input without those keys, for the schema to check the rest. */
    rest: Record<string, unknown>;
}

/** Another target's keys in one service block at `where` (`library:services.catalog`). */
export function foreignServiceKeys(
    block: Record<string, unknown>,
    current: TargetDefinition,
    targets: TargetRegistry,
    where: string,
): ForeignKeys {
    const own = serviceConfigSchema(current);
    const others = Object.values(targets)
        .filter((t) => t !== current)
        .map((t) => ({ definition: t, schema: serviceConfigSchema(t) }));
    const problems: string[] = [];
    const strip = (value: Record<string, unknown>, path: string[]): Record<string, unknown> => {
        const known = keysAt(own, path);
        const kept: Record<string, unknown> = {};
        for (const [key, inner] of Object.entries(value)) {
            const at = [...path, key];
            const owner = known.includes(key) ? undefined : others.find((o) => keysAt(o.schema, path).includes(key));
            if (owner) {
                problems.push(`${where}.${at.join(".")}: ${readElsewhere(owner.definition, current, at.join("."))}`);
            } else {
                kept[key] = isMap(inner) && keysAt(own, at).length > 0 ? strip(inner, at) : inner;
            }
        }
        return kept;
    };
    return { problems, rest: strip(block, []) };
}

/** Another target's stack-wide keys, as `<namespace>:<key>`. */
export function foreignStackKeys(
    raw: Record<string, unknown>,
    current: TargetDefinition,
    targets: TargetRegistry,
    namespace: string,
): ForeignKeys {
    const own = new Set([...Object.keys(baseStackShape(targets)), ...Object.keys(current.stackKeys)]);
    const problems: string[] = [];
    const rest: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(raw)) {
        const owner = own.has(key) ? undefined : Object.values(targets).find((t) => key in t.stackKeys);
        if (owner) {
            problems.push(`${namespace}:${key}: is read on ${owner.name} only, and this stack's target is ${current.name}; remove it`);
        } else {
            rest[key] = value;
        }
    }
    return { problems, rest };
}

function readElsewhere(owner: TargetDefinition, current: TargetDefinition, key: string): string {
    const instead = current.insteadOf[key];
    return instead
        ? `is read on ${owner.title} only; on ${current.title} ${instead}. Remove it`
        : `is read on ${owner.title} only, and this stack's target is ${current.name}; remove it`;
}

function isMap(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}
