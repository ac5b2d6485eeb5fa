/**
 * The `after` graph on its own: cycles and the order in which services are constructed.
 */
import { orderProblems, upstreamsFirst } from "../../components/service/order";

describe("after", () => {
    it("reports each cycle once, however many services lead into it", () => {
        const problems = orderProblems("library", { a: ["b"], b: ["c"], c: ["b"], d: ["b"] });
        expect(problems).toEqual([
            "library:services: 'after' forms a cycle, b → c → b, so none of them could ever migrate; remove one of these entries",
        ]);
    });

    it("orders upstreams first, ties by name", () => {
        expect(upstreamsFirst({ lending: ["catalog", "identity"], catalog: ["identity"], identity: [], audit: [] })).toEqual([
            "audit",
            "identity",
            "catalog",
            "lending",
        ]);
    });
});
