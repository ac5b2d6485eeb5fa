/**
 * Flyway's checksum of a migration file, computed without Java: what the lock records at preview time.
 */
import { crc32 } from "zlib";

/**
 * Flyway's checksum of a SQL migration, as stored in `flyway_schema_history.checksum`.
 *
 * Flyway reads the file line by line (any of \n, \r\n, \r ends a line), drops a leading byte-order mark, and feeds each
 * line without its line break into one CRC32, then stores the value as a signed 32-bit integer. Matching it exactly
 * lets the committed lock file be compared with what a live database recorded.
 */
export function flywayChecksum(content: string): number {
    const withoutBom = content.startsWith("\uFEFF") ? content.slice(1) : content;
    const withoutLineBreaks = withoutBom.replace(/\r\n|\r|\n/g, "");
    return crc32(Buffer.from(withoutLineBreaks, "utf8")) | 0;
}
