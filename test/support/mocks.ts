// What tests import about the engine model, under the names they always used.
export { CONTAINER } from "./providers";
export { FakeEngine, FlywayResult, Registration, SUCCESS_LOG, waitForRPCs } from "./engine";
