import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { z } from 'zod';
import { EXPORT_FORMAT_VERSION, type Manifest } from './exit-export';
import {
  importChecksumMismatch,
  importCompressionTooHigh,
  importDuplicateEntry,
  importEncryptedEntry,
  importEntryTooLarge,
  importEntrySizeWrong,
  importExpandsTooLarge,
  importFileMissing,
  importManifestInvalid,
  importManifestMissing,
  importNewerFormat,
  importNotZip,
  importRowInvalid,
  importUnlistedFile,
  importUnsafePath,
} from './exit.errors';

/**
 * What an import accepts from a zip before it reads a byte of data: each entry at most
 * `entryBytes` once expanded, all of them together at most `totalBytes`, and no entry larger
 * than `ratioFloorBytes` expanding more than `ratio` times (a zip bomb's signature; JSON Lines
 * and CSV compress some ten to thirty times).
 */
export type ImportLimits = { entryBytes: number; totalBytes: number; ratio: number; ratioFloorBytes: number };

const MANIFEST_MAX_BYTES = 64 * 1024 * 1024;

const manifestSchema = z.object({
  formatVersion: z.number().int().min(1),
  appVersion: z.string(),
  createdAt: z.string(),
  scope: z.discriminatedUnion('kind', [z.object({ kind: z.literal('installation') }), z.object({ kind: z.literal('organisation'), organisationId: z.uuid() })]),
  files: z.array(z.object({ path: z.string(), mediaType: z.string(), rows: z.number().int().min(0).optional(), bytes: z.number().int().min(0), sha256: z.string().regex(/^[0-9a-f]{64}$/) })),
  auditChains: z.array(z.object({ chain: z.string(), chainSeq: z.number().int(), entryHash: z.string() })),
});

/**
 * One step of the export format: an export of `from` is read as one of `from + 1` by changing
 * its manifest and rows. Every change to the format adds a step here, so an export made by any
 * earlier version is migrated forward one version at a time and still imports.
 */
export type FormatStep = {
  from: number;
  manifest?: (manifest: Manifest) => Manifest;
  row?: (entity: string, row: Record<string, unknown>) => Record<string, unknown>;
};

/** Format 1 is the first; the list grows with the format. */
export const FORMAT_STEPS: FormatStep[] = [];

/** The steps an export of `formatVersion` needs, oldest first. */
export function stepsFrom(formatVersion: number, steps: FormatStep[] = FORMAT_STEPS): FormatStep[] {
  return steps.filter((s) => s.from >= formatVersion).sort((a, b) => a.from - b.from);
}

/** A zip entry's name is safe when it stays inside the archive: relative, no `..`, no drive, no backslash. */
export function unsafeEntryName(name: string): boolean {
  if (name.startsWith('/') || name.includes('\\') || /^[a-zA-Z]:/.test(name) || name.includes('\0')) return true;
  return name.split('/').some((part) => part === '..' || part === '.');
}

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true, strictFileNames: false }, (error, zip) => {
      if (error || !zip) reject(importNotZip(error?.message ?? 'unreadable'));
      else resolve(zip);
    });
  });
}

function readEntries(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    zip.on('entry', (entry: yauzl.Entry) => {
      entries.push(entry);
      zip.readEntry();
    });
    zip.on('end', () => resolve(entries));
    zip.on('error', (error: Error) => reject(importNotZip(error.message)));
    zip.readEntry();
  });
}

const nameOf = (entry: yauzl.Entry) => (Buffer.isBuffer(entry.fileName) ? entry.fileName.toString('utf8') : String(entry.fileName));

/** An opened, checked export: its manifest (migrated to today's format) and its entries by name. */
export type ExportArchive = {
  manifest: Manifest;
  /** The format version the export was written in. */
  writtenFormat: number;
  steps: FormatStep[];
  /** The bytes of one entry, streamed. */
  open(name: string): Promise<Readable>;
  /** One entry read whole, for evidence files (each as large as an upload). */
  read(name: string): Promise<Buffer>;
  /** The rows of a JSON Lines entry, one at a time, migrated forward to today's format. */
  rows(entity: string): AsyncGenerator<Record<string, unknown>>;
  has(name: string): boolean;
  close(): void;
};

/**
 * Opens an uploaded export and checks it without writing anything: a readable zip; every entry
 * name safe, unique and within the size limits; a manifest in a format this version reads; every
 * file the manifest names present, no file it does not name, and each one's bytes matching its
 * size and SHA-256 (read entry by entry, never the whole archive in memory). Any problem is a
 * 4xx naming the entry.
 */
export async function openExportArchive(file: string, limits: ImportLimits, options: { verifyContent?: boolean } = {}): Promise<ExportArchive> {
  const zip = await openZip(file);
  try {
    const byName = new Map<string, yauzl.Entry>();
    let total = 0;
    for (const entry of await readEntries(zip)) {
      const name = nameOf(entry);
      if (unsafeEntryName(name)) throw importUnsafePath(name);
      if (name.endsWith('/')) continue;
      if (byName.has(name)) throw importDuplicateEntry(name);
      if (entry.isEncrypted()) throw importEncryptedEntry(name);
      if (entry.uncompressedSize > limits.entryBytes) throw importEntryTooLarge(name, entry.uncompressedSize, limits.entryBytes);
      if (entry.uncompressedSize > limits.ratioFloorBytes && entry.uncompressedSize > limits.ratio * Math.max(1, entry.compressedSize)) {
        throw importCompressionTooHigh(name, Math.round(entry.uncompressedSize / Math.max(1, entry.compressedSize)), limits.ratio);
      }
      total += entry.uncompressedSize;
      if (total > limits.totalBytes) throw importExpandsTooLarge(limits.totalBytes);
      byName.set(name, entry);
    }
    const open = (name: string): Promise<Readable> =>
      new Promise((resolve, reject) => {
        const entry = byName.get(name);
        if (!entry) return reject(importFileMissing(name));
        zip.openReadStream(entry, (error, stream) => (error || !stream ? reject(importNotZip(`${name}: ${error?.message ?? 'unreadable'}`)) : resolve(stream)));
      });
    const readWhole = async (name: string, max: number): Promise<Buffer> => {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of await open(name)) {
        size += (chunk as Buffer).length;
        if (size > max) throw importEntryTooLarge(name, size, max);
        chunks.push(chunk as Buffer);
      }
      return Buffer.concat(chunks);
    };
    const entryError = (name: string, error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      if (/too many bytes|too few bytes|invalid distance|unexpected end|incorrect header|invalid/i.test(message)) return importEntrySizeWrong(name, message);
      return error;
    };

    if (!byName.has('manifest.json')) throw importManifestMissing();
    let raw: unknown;
    try {
      raw = JSON.parse((await readWhole('manifest.json', MANIFEST_MAX_BYTES)).toString('utf8'));
    } catch (error) {
      throw isSyntaxError(error) ? importManifestInvalid(`not JSON (${error.message})`) : entryError('manifest.json', error);
    }
    const version = z.object({ formatVersion: z.number().int().min(1) }).safeParse(raw);
    if (!version.success) throw importManifestInvalid('formatVersion must be a whole number from 1');
    if (version.data.formatVersion > EXPORT_FORMAT_VERSION) throw importNewerFormat(version.data.formatVersion, EXPORT_FORMAT_VERSION);
    const parsed = manifestSchema.safeParse(raw);
    if (!parsed.success) throw importManifestInvalid(parsed.error.issues.map((i) => `${i.path.join('.') || 'manifest'} ${i.message}`).join('; '));
    const steps = stepsFrom(parsed.data.formatVersion);
    let manifest = parsed.data as Manifest;
    for (const step of steps) manifest = step.manifest ? step.manifest(manifest) : manifest;

    const listed = new Set(parsed.data.files.map((f) => f.path));
    for (const listedFile of parsed.data.files) if (!byName.has(listedFile.path)) throw importFileMissing(listedFile.path);
    for (const name of byName.keys()) if (name !== 'manifest.json' && !listed.has(name)) throw importUnlistedFile(name);

    if (options.verifyContent !== false) {
      for (const expected of parsed.data.files) {
        const hash = createHash('sha256');
        let bytes = 0;
        try {
          for await (const chunk of await open(expected.path)) {
            hash.update(chunk as Buffer);
            bytes += (chunk as Buffer).length;
          }
        } catch (error) {
          throw entryError(expected.path, error);
        }
        const sha256 = hash.digest('hex');
        if (sha256 !== expected.sha256 || bytes !== expected.bytes) throw importChecksumMismatch(expected.path, { sha256, bytes }, expected);
      }
    }

    return {
      manifest,
      writtenFormat: parsed.data.formatVersion,
      steps,
      open,
      read: (name) => readWhole(name, limits.entryBytes),
      has: (name) => byName.has(name),
      async *rows(entity: string) {
        const name = `data/${entity}.jsonl`;
        if (!byName.has(name)) return;
        const lines = createInterface({ input: await open(name), crlfDelay: Infinity });
        let line = 0;
        for await (const text of lines) {
          line += 1;
          if (text === '') continue;
          let row: Record<string, unknown>;
          try {
            row = JSON.parse(text) as Record<string, unknown>;
          } catch (error) {
            throw importRowInvalid(name, line, (error as Error).message);
          }
          for (const step of steps) row = step.row ? step.row(entity, row) : row;
          yield row;
        }
      },
      close: () => zip.close(),
    };
  } catch (error) {
    zip.close();
    throw error;
  }
}

function isSyntaxError(error: unknown): error is SyntaxError {
  return error instanceof SyntaxError;
}
