/**
 * Inputs spelled as the Docker provider reads them back: cpus and healthcheck durations.
 */
import { cpusProblem, dockerCpus, goDuration, nanoCpusToDecimal } from "../../components/targets/docker/dockerSpelling";
import { validateStack } from "../../components/config/validateStack";
import { goDurationString, parseCpus } from "../support/engineModel/providers";
import { ONE_MIGRATION, projectWith, serviceBlock } from "../support/fixtures";
import { saysNoSuchContainer } from "../../components/targets/docker/hostContainers";

describe("cpus as the Docker provider reads them back", () => {
    // Printed by the provider's own nanoInt64ToDecimalString (terraform-provider-docker v4.5.0 helpers.go), compiled
    // with Go 1.26 on this machine, for each input parsed as docker/cli's ParseCPUs parses it.
    it.each([
        [0.5, "0.5"],
        [1, "1.0"],
        [1.5, "1.5"],
        [2, "2.0"],
        [10, "10."],
        [0.25, "0.25"],
        [0.01, "0.0"],
        [16, "16.0"],
        [0.05, "0.1"],
        [20, "20."],
        [100, "100."],
        [20.5, "20.5"],
        [0.15, "0.15"],
        [1.25, "1.25"],
        [0.123, "0.123"],
        [100.5, "100.5"],
    ])("%s reads back as %s", (cpus, readBack) => {
        expect(nanoCpusToDecimal(parseCpus(String(cpus)))).toBe(readBack);
    });

    it("sends every value it accepts in the spelling the provider reads back, so nothing is replaced on the next update", () => {
        for (const cpus of [0.1, 0.25, 0.5, 1, 1.5, 2, 4, 10, 16, 20.5, 64, 100]) {
            expect(cpusProblem(cpus)).toBeUndefined();
            const sent = dockerCpus(cpus);
            expect({ cpus, readBack: nanoCpusToDecimal(parseCpus(sent)) }).toEqual({ cpus, readBack: sent });
            expect(parseCpus(sent)).toBe(Math.round(cpus * 1e9));
        }
    });

    it.each([
        [0.01, 'the Docker provider reads 0.01 back as "0.0"'],
        [0.05, 'the Docker provider reads 0.05 back as "0.1"'],
        [10.01, 'the Docker provider reads 10.01 back as "10.0"'],
        [1.0000000001, "has more than 9 decimals"],
    ])("refuses %s, which would change on every read-back", (cpus, message) => {
        expect(cpusProblem(cpus)).toContain(message);
    });

    it("is checked by the stack's validation, naming the key", () => {
        const dir = projectWith({ catalog: ONE_MIGRATION });
        expect(() => validateStack({ services: { catalog: serviceBlock({ limits: { cpus: 0.05 } }) } }, dir, "library")).toThrow(
            'library:services.catalog.limits.cpus: the Docker provider reads 0.05 back as "0.1", so every update would replace the ' +
                "container; use a value it keeps, such as 0.1",
        );
    });
});

describe("healthcheck durations as Go prints them", () => {
    it.each([
        [1, "1s"],
        [5, "5s"],
        [60, "1m0s"],
        [90, "1m30s"],
        [3600, "1h0m0s"],
        [0, "0s"],
    ])("%s s is %s", (seconds, spelled) => {
        expect(goDuration(seconds)).toBe(spelled);
        expect(goDurationString(spelled)).toBe(spelled);
    });

    it("the read-back model turns other spellings into Go's", () => {
        expect(goDurationString("60s")).toBe("1m0s");
        expect(goDurationString("90s")).toBe("1m30s");
        expect(goDurationString("500ms")).toBe("500ms");
    });
});

describe("publishAddress", () => {
    it("must be an IP address", () => {
        const dir = projectWith({ catalog: ONE_MIGRATION });
        expect(() => validateStack({ services: { catalog: serviceBlock() }, publishAddress: "localhost" }, dir, "library")).toThrow(
            "library:publishAddress: 'localhost' is not an IP address; use 127.0.0.1 (this host only), 0.0.0.0 (every interface) or one " +
                "of this host's addresses",
        );
        expect(validateStack({ services: { catalog: serviceBlock() }, publishAddress: "::1" }, dir, "library").platform).toMatchObject({
            publishAddress: "::1",
        });
    });
});

describe("reading the Docker host", () => {
    it("takes only the daemon's 'No such container' as a container that is not there", () => {
        // As the real CLI rejects a getLogs invoke for a container that does not exist.
        const missing = new Error(
            "invocation of docker:index/getLogs:getLogs returned an error: invoking docker:index/getLogs:getLogs: 1 error occurred:\n" +
                "\t* dataSourceDockerLogsRead: error while asking for logs Error response from daemon: " +
                "No such container: dev-catalog-app-1",
        );
        expect(saysNoSuchContainer(missing)).toBe(true);
        const unreachable = new Error("Cannot connect to the Docker daemon at unix:///var/run/docker.sock");
        expect(saysNoSuchContainer(unreachable)).toBe(false);
    });
});
