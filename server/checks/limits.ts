/**
 * What the engine reads at most. Vendors are outside parties, so every input is bounded before
 * it is parsed; a file over a limit gets a finding that names the limit, never a crash.
 */
export type CheckLimits = {
  /** Any one uploaded file, and any one zip entry once unpacked. CSV and JSON Lines are streamed up to this. */
  fileBytes: number;
  /** Files that are read whole: JSON data, JSON Schema, XSD, the data model, XML validated against an XSD. */
  documentBytes: number;
  /** An OpenAPI description. */
  openapiBytes: number;
  /** Entries in one zip. */
  zipEntries: number;
  /** All entries of one zip together, counted as they are unpacked (the headers are not trusted). */
  zipUnpackedBytes: number;
  /** Nodes an OpenAPI description may grow to when its `$ref`s are followed (the reference bomb). */
  refExpansion: number;
  /** Failing findings of one rule on one file that are listed; the rest are counted in one finding. */
  failuresListed: number;
};

const MiB = 1024 * 1024;

export const DEFAULT_LIMITS: CheckLimits = {
  fileBytes: 256 * MiB,
  documentBytes: 32 * MiB,
  openapiBytes: 16 * MiB,
  zipEntries: 10_000,
  zipUnpackedBytes: 512 * MiB,
  refExpansion: 2_000_000,
  failuresListed: 20,
};

export function formatBytes(bytes: number): string {
  if (bytes >= MiB) return `${Math.round((bytes / MiB) * 10) / 10} MiB`;
  if (bytes >= 1024) return `${Math.round((bytes / 1024) * 10) / 10} KiB`;
  return `${bytes} B`;
}
