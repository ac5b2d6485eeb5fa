/**
 * Flyway's history tables: the expand phase's (Flyway's default name) and the contract phase's own, so that the two
 * version sequences never mix (see config.ts).
 */
export const FLYWAY_HISTORY_TABLE = "flyway_schema_history";
export const CONTRACT_HISTORY_TABLE = "flyway_contract_history";
