/**
 * Order between services: `after: [other services]` makes a service's migration wait for theirs. Pure checks and the
 * order in which the program must construct services (upstreams first, so their outcomes can be handed down).
 */

export type AfterMap = Record<string, readonly string[]>;

/** Unknown names, self-references, repeats and cycles, each naming the key and what would be right. */
export function orderProblems(namespace: string, after: AfterMap): string[] {
    const names = Object.keys(after).sort();
    const problems: string[] = [];
    for (const name of names) {
        const where = `${namespace}:services.${name}.after`;
        const seen = new Set<string>();
        for (const upstream of after[name]) {
            if (upstream === name) {
                problems.push(`${where}: '${name}' cannot wait for itself; remove it from its own list`);
            } else if (!(upstream in after)) {
                problems.push(`${where}: '${upstream}' is not a service of this stack; known services are ${names.join(", ")}`);
            } else if (seen.has(upstream)) {
                problems.push(`${where}: lists '${upstream}' twice; once is enough`);
            }
            seen.add(upstream);
        }
    }
    for (const cycle of cycles(after)) {
        problems.push(
            `${namespace}:services: 'after' forms a cycle, ${[...cycle, cycle[0]].join(" → ")}, so none of them could ever migrate; ` +
                `remove one of these entries`,
        );
    }
    return problems;
}

/** Every distinct cycle (of two or more services), each rotated to start at its smallest name. */
function cycles(after: AfterMap): string[][] {
    const found = new Map<string, string[]>();
    const visit = (path: string[]) => {
        const current = path[path.length - 1];
        for (const next of after[current] ?? []) {
            if (next === current || !(next in after)) continue;
            const at = path.indexOf(next);
            if (at >= 0) {
                const cycle = path.slice(at);
                const start = cycle.indexOf([...cycle].sort()[0]);
                const rotated = [...cycle.slice(start), ...cycle.slice(0, start)];
                found.set(rotated.join(">"), rotated);
            } else {
                visit([...path, next]);
            }
        }
    };
    // Fine for the handful of services a stack has; each start explores simple paths only.
    Object.keys(after)
        .sort()
        .forEach((name) => visit([name]));
    return [...found.values()].sort((a, b) => a.join(">").localeCompare(b.join(">")));
}

/** Services with every upstream before them; ties in name order, so the order is the same on every run. */
export function upstreamsFirst(after: AfterMap): string[] {
    const ordered: string[] = [];
    const placed = new Set<string>();
    const remaining = Object.keys(after).sort();
    while (remaining.length > 0) {
        const ready = remaining.findIndex((name) => after[name].every((u) => placed.has(u) || !(u in after) || u === name));
        if (ready < 0) {
            throw new Error(`'after' has a cycle among ${remaining.join(", ")}; validate the stack first`);
        }
        const [name] = remaining.splice(ready, 1);
        ordered.push(name);
        placed.add(name);
    }
    return ordered;
}
