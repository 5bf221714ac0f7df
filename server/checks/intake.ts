import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import type { CheckFile, FileFormat, FileRecord, Location } from './checks.schemas';
import { parseStructured, type ParsedDocument } from './documents';
import { message, type RuleFindings } from './findings';
import { formatBytes, type CheckLimits } from './limits';
import { extensionOf } from './text';

/**
 * One readable thing the rules look at: an uploaded file, or one entry of an uploaded zip.
 * Uploaded files are in memory already; zip entries are unpacked again each time they are
 * opened, so a large entry is streamed and never held whole unless a rule reads it whole.
 */
export type Source = {
  upload: string;
  entry: string | null;
  /** The entry's path in its zip, or the upload's name: what the data model names. */
  name: string;
  ext: string;
  size: number;
  sha256: string;
  format: FileFormat;
  /** JSON and YAML files parsed once at intake, to see what they are. */
  document: ParsedDocument | null;
  open(): AsyncIterable<Uint8Array>;
};

export function locate(source: Source, at: Omit<Location, 'file' | 'entry'> = {}): Location {
  return { file: source.upload, ...(source.entry ? { entry: source.entry } : {}), ...at };
}

export function sourceLabel(source: Source): string {
  return source.entry ? `${source.upload}: ${source.entry}` : source.upload;
}

/** Reads a source whole; the caller has checked its size against the limit that applies. */
export async function readWhole(source: Source): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of source.open()) chunks.push(chunk);
  return chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks);
}

const CHUNK = 1024 * 1024;
const HEAD = 64 * 1024;

function chunksOf(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  return {
    async *[Symbol.asyncIterator]() {
      for (let i = 0; i < bytes.length; i += CHUNK) yield bytes.subarray(i, Math.min(bytes.length, i + CHUNK));
    },
  };
}

const MAGIC: { name: string; bytes: number[] }[] = [
  { name: 'PDF', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] },
  { name: 'PNG', bytes: [0x89, 0x50, 0x4e, 0x47] },
  { name: 'JPEG', bytes: [0xff, 0xd8, 0xff] },
  { name: 'GIF', bytes: [0x47, 0x49, 0x46, 0x38] },
  { name: 'ZIP', bytes: [0x50, 0x4b, 0x03, 0x04] },
  { name: 'ZIP', bytes: [0x50, 0x4b, 0x05, 0x06] },
  { name: 'GZIP', bytes: [0x1f, 0x8b] },
  { name: 'OLE (Office 97-2003)', bytes: [0xd0, 0xcf, 0x11, 0xe0] },
  { name: 'ELF', bytes: [0x7f, 0x45, 0x4c, 0x46] },
  { name: 'Windows executable', bytes: [0x4d, 0x5a] },
];

/** What binary format the first bytes announce, or 'binary' for NUL bytes; null for text. */
export function binaryKind(head: Uint8Array): string | null {
  for (const magic of MAGIC) if (magic.bytes.every((b, i) => head[i] === b)) return magic.name;
  return head.subarray(0, HEAD).includes(0) ? 'binary' : null;
}

function firstCharacter(head: Uint8Array): string {
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d)) i++;
  return i < head.length ? String.fromCharCode(head[i] as number) : '';
}

const TEXT_EXTENSIONS: Record<string, 'json' | 'yaml' | 'xml' | 'xsd' | 'csv' | 'jsonl'> = {
  json: 'json',
  yaml: 'yaml',
  yml: 'yaml',
  xml: 'xml',
  xsd: 'xsd',
  csv: 'csv',
  tsv: 'csv',
  txt: 'csv',
  jsonl: 'jsonl',
  ndjson: 'jsonl',
};

const FORMAT_NAMES: Record<FileFormat, string> = {
  openapi: 'OpenAPI',
  'json-schema': 'JSON Schema',
  xsd: 'XSD',
  'data-model': 'datamodell / data model',
  csv: 'CSV',
  json: 'JSON',
  jsonl: 'JSON Lines',
  xml: 'XML',
  zip: 'ZIP',
  other: '',
};

function isXsd(head: Uint8Array): boolean {
  const text = Buffer.from(head.buffer, head.byteOffset, Math.min(head.byteLength, HEAD)).toString('utf8');
  const withoutProlog = text.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>/g, '');
  return /^\s*<([A-Za-z_][\w.-]*:)?schema[\s>/]/.test(withoutProlog) && text.includes('http://www.w3.org/2001/XMLSchema');
}

function roleOfDocument(document: ParsedDocument, name: string): FileFormat | null {
  if (!document.ok || typeof document.value !== 'object' || document.value === null || Array.isArray(document.value)) return null;
  const value = document.value as Record<string, unknown>;
  if (typeof value.openapi === 'string' || typeof value.swagger === 'string') return 'openapi';
  if ('datakravDataModel' in value) return 'data-model';
  if ((typeof value.$schema === 'string' && /json-schema\.org/.test(value.$schema)) || /\.schema\.json$/i.test(name)) return 'json-schema';
  return null;
}

type Candidate = { upload: string; entry: string | null; name: string; size: number; sha256: string; head: Uint8Array; open: () => AsyncIterable<Uint8Array> };

/**
 * Decides what a file is from its extension and its first bytes together: a `.csv` that is a
 * PDF, or a `.json` that is XML, is refused with a finding rather than half read.
 */
async function classify(candidate: Candidate, limits: CheckLimits, readable: RuleFindings): Promise<Source | null> {
  const ext = extensionOf(candidate.name);
  const where = { file: candidate.upload, ...(candidate.entry ? { entry: candidate.entry } : {}) };
  const source = (format: FileFormat, document: ParsedDocument | null = null): Source => ({ ...candidate, ext, format, document });
  if (candidate.size === 0) {
    // A JSON Lines file holds one record per line, so an empty one is an entity with no records
    // (as an export writes it), not a broken file; any other empty file has nothing to read.
    if (TEXT_EXTENSIONS[ext] === 'jsonl') return source('jsonl');
    readable.fail(where, message('Fila er tom (0 byte).', 'The file is empty (0 bytes).'));
    return null;
  }
  const expected = TEXT_EXTENSIONS[ext];
  if (!expected) {
    readable.notApplicable(where, message(`Filtypen «.${ext}» leses ikke av maskinkontrollene; fila er tatt med i rapporten med sjekksum.`, `The file type ".${ext}" is not read by the machine checks; the file is listed in the report with its checksum.`));
    return source('other');
  }
  const binary = binaryKind(candidate.head);
  if (binary) {
    readable.fail(where, message(`Innholdet er ${binary}, ikke det filendelsen «.${ext}» lover.`, `The content is ${binary}, not what the extension ".${ext}" promises.`), { detected: binary });
    return null;
  }
  const first = firstCharacter(candidate.head);
  const mismatch = (looksLike: string) =>
    readable.fail(where, message(`Innholdet ser ut som ${looksLike}, ikke det filendelsen «.${ext}» lover.`, `The content looks like ${looksLike}, not what the extension ".${ext}" promises.`), { detected: looksLike });
  if ((expected === 'json' || expected === 'jsonl') && first !== '{' && first !== '[') {
    mismatch(first === '<' ? 'XML' : 'tekst / text');
    return null;
  }
  if ((expected === 'xml' || expected === 'xsd') && first !== '<') {
    mismatch(first === '{' || first === '[' ? 'JSON' : 'tekst / text');
    return null;
  }
  if (expected === 'csv' && (first === '{' || first === '[' || first === '<')) {
    mismatch(first === '<' ? 'XML' : 'JSON');
    return null;
  }
  if (expected === 'xml') return source(isXsd(candidate.head) ? 'xsd' : 'xml');
  if (expected === 'json' || expected === 'yaml') {
    if (candidate.size > limits.documentBytes) {
      if (expected === 'json') return source('json');
      readable.fail(where, message(`YAML-fila er større enn ${formatBytes(limits.documentBytes)} og leses ikke.`, `The YAML file is larger than ${formatBytes(limits.documentBytes)} and is not read.`));
      return null;
    }
    const document = parseStructured(await readWhole(source('other')), expected);
    const role = roleOfDocument(document, candidate.name);
    if (role) return source(role, document);
    if (expected === 'json') return source('json', document);
    const head = Buffer.from(candidate.head).toString('utf8');
    if (/^(openapi|swagger)\s*:/m.test(head)) return source('openapi', document);
    if (!document.ok) {
      readable.fail({ ...where, ...document.problem.at }, message(`YAML-fila kan ikke leses: ${document.problem.message.nb}`, `The YAML file does not parse: ${document.problem.message.en}`));
      return null;
    }
    readable.notApplicable(where, message('YAML-fila er verken en API-beskrivelse eller en datamodell og leses ikke som eksportdata.', 'The YAML file is neither an API description nor a data model, and is not read as export data.'));
    return source('other');
  }
  return source(expected);
}

function recordFor(source: Source | null, candidate: Candidate): { bytes: number; sha256: string; format: FileFormat | null } {
  return { bytes: candidate.size, sha256: candidate.sha256, format: source?.format ?? null };
}

async function hashAndHead(stream: AsyncIterable<Uint8Array>): Promise<{ size: number; sha256: string; head: Uint8Array }> {
  const hash = createHash('sha256');
  const head: Uint8Array[] = [];
  let headBytes = 0;
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.length;
    hash.update(chunk);
    if (headBytes < HEAD) {
      head.push(chunk.subarray(0, HEAD - headBytes));
      headBytes += Math.min(chunk.length, HEAD - headBytes);
    }
  }
  return { size, sha256: hash.digest('hex'), head: Buffer.concat(head) };
}

class UnpackLimitExceeded extends Error {}

/** Counts an entry's bytes as they are unpacked and stops at the cap: the headers are not trusted. */
function capped(open: () => Promise<Readable>, cap: number): () => AsyncIterable<Uint8Array> {
  return () => ({
    async *[Symbol.asyncIterator]() {
      const stream = await open();
      let seen = 0;
      try {
        for await (const chunk of stream as AsyncIterable<Buffer>) {
          seen += chunk.length;
          if (seen > cap) throw new UnpackLimitExceeded(`entry grows beyond ${cap} bytes`);
          yield chunk;
        }
      } finally {
        stream.destroy();
      }
    },
  });
}

function entryName(entry: Entry): string {
  const raw = entry.fileName as unknown;
  if (typeof raw === 'string') return raw;
  return yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, raw as Buffer, entry.extraFields, false);
}

async function expandZip(upload: string, bytes: Uint8Array, limits: CheckLimits, readable: RuleFindings): Promise<{ sources: Source[]; entries: NonNullable<FileRecord['entries']> }> {
  const sources: Source[] = [];
  const entries: NonNullable<FileRecord['entries']> = [];
  const where = { file: upload };
  let zip: ZipFile;
  try {
    zip = await yauzl.fromBufferPromise(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { lazyEntries: true, decodeStrings: false, validateEntrySizes: false, autoClose: false });
  } catch (error) {
    readable.fail(where, message(`Zip-fila kan ikke åpnes: ${(error as Error).message}`, `The zip file cannot be opened: ${(error as Error).message}`));
    return { sources, entries };
  }
  if (zip.entryCount > limits.zipEntries) {
    readable.fail(where, message(`Zip-fila har ${zip.entryCount} oppføringer; grensen er ${limits.zipEntries}. Den pakkes ikke ut.`, `The zip file has ${zip.entryCount} entries; the limit is ${limits.zipEntries}. It is not unpacked.`));
    return { sources, entries };
  }
  let unpacked = 0;
  try {
    for await (const entry of zip.eachEntry()) {
      const name = entryName(entry);
      const at = { file: upload, entry: name };
      const unsafe = yauzl.validateFileName(name);
      if (unsafe !== null) {
        readable.fail(at, message('Oppføringen har et utrygt navn (absolutt sti, «..» eller omvendt skråstrek) og pakkes ikke ut.', 'The entry has an unsafe name (absolute path, ".." or backslash) and is not unpacked.'));
        entries.push({ path: name, bytes: entry.uncompressedSize, sha256: null, format: null });
        continue;
      }
      if (name.endsWith('/')) continue;
      if (entry.isEncrypted()) {
        readable.fail(at, message('Oppføringen er kryptert og kan ikke leses.', 'The entry is encrypted and cannot be read.'));
        entries.push({ path: name, bytes: entry.uncompressedSize, sha256: null, format: null });
        continue;
      }
      const room = Math.min(limits.fileBytes, limits.zipUnpackedBytes - unpacked);
      const bomb = () =>
        readable.fail(
          at,
          message(
            `Oppføringen blir større enn ${formatBytes(room)} når den pakkes ut (grensen per fil er ${formatBytes(limits.fileBytes)}, for hele zip-fila ${formatBytes(limits.zipUnpackedBytes)}). Utpakkingen er stoppet.`,
            `The entry grows beyond ${formatBytes(room)} when unpacked (the limit is ${formatBytes(limits.fileBytes)} per file and ${formatBytes(limits.zipUnpackedBytes)} for the whole zip). Unpacking stopped.`,
          ),
        );
      if (entry.uncompressedSize > room) {
        bomb();
        entries.push({ path: name, bytes: entry.uncompressedSize, sha256: null, format: null });
        break;
      }
      const open = capped(() => zip.openReadStreamPromise(entry), room);
      let read: Awaited<ReturnType<typeof hashAndHead>>;
      try {
        read = await hashAndHead(open());
      } catch (error) {
        entries.push({ path: name, bytes: entry.uncompressedSize, sha256: null, format: null });
        if (error instanceof UnpackLimitExceeded) {
          bomb();
          break;
        }
        const text = (error as Error).message;
        readable.fail(at, message(`Oppføringen kan ikke pakkes ut: ${text}`, `The entry cannot be unpacked: ${text}`));
        continue;
      }
      unpacked += read.size;
      if (binaryKind(read.head) === 'ZIP') {
        readable.notApplicable(at, message('Zip-filer inne i zip-filer pakkes ikke ut.', 'Zip files inside zip files are not unpacked.'));
        entries.push({ path: name, bytes: read.size, sha256: read.sha256, format: 'zip' });
        continue;
      }
      const candidate: Candidate = { upload, entry: name, name, size: read.size, sha256: read.sha256, head: read.head, open };
      const source = await classify(candidate, limits, readable);
      if (source) {
        sources.push(source);
        if (source.format !== 'other') readable.pass(at, message(`Lest: ${formatBytes(read.size)}, ${FORMAT_NAMES[source.format]}.`, `Read: ${formatBytes(read.size)}, ${FORMAT_NAMES[source.format]}.`));
      }
      entries.push({ path: name, ...recordFor(source, candidate) });
    }
  } catch (error) {
    readable.fail(where, message(`Zip-fila er skadet: ${(error as Error).message}`, `The zip file is damaged: ${(error as Error).message}`));
  }
  return { sources, entries };
}

export type Intake = { sources: Source[]; files: FileRecord[] };

/** Reads every uploaded file once: size, SHA-256, what it is; zips are unpacked with limits. */
export async function intake(files: CheckFile[], limits: CheckLimits, readable: RuleFindings): Promise<Intake> {
  const sources: Source[] = [];
  const records: FileRecord[] = [];
  for (const file of files) {
    const bytes = file.bytes;
    const sha256 = file.sha256 ?? createHash('sha256').update(bytes).digest('hex');
    const where = { file: file.name };
    if (bytes.length > limits.fileBytes) {
      readable.fail(where, message(`Fila er ${formatBytes(bytes.length)}; grensen er ${formatBytes(limits.fileBytes)}. Den leses ikke.`, `The file is ${formatBytes(bytes.length)}; the limit is ${formatBytes(limits.fileBytes)}. It is not read.`));
      records.push({ name: file.name, bytes: bytes.length, sha256, format: null });
      continue;
    }
    if (extensionOf(file.name) === 'zip') {
      if (binaryKind(bytes) !== 'ZIP') {
        readable.fail(where, message('Fila heter .zip, men innholdet er ikke en zip-fil.', 'The file is named .zip, but its content is not a zip file.'));
        records.push({ name: file.name, bytes: bytes.length, sha256, format: null });
        continue;
      }
      const expanded = await expandZip(file.name, bytes, limits, readable);
      sources.push(...expanded.sources);
      records.push({ name: file.name, bytes: bytes.length, sha256, format: 'zip', entries: expanded.entries });
      continue;
    }
    const candidate: Candidate = { upload: file.name, entry: null, name: file.name, size: bytes.length, sha256, head: bytes.subarray(0, HEAD), open: () => chunksOf(bytes) };
    const source = await classify(candidate, limits, readable);
    if (source) {
      sources.push(source);
      if (source.format !== 'other') readable.pass(where, message(`Lest: ${formatBytes(bytes.length)}, ${FORMAT_NAMES[source.format]}.`, `Read: ${formatBytes(bytes.length)}, ${FORMAT_NAMES[source.format]}.`));
    }
    records.push({ name: file.name, ...recordFor(source, candidate) });
  }
  return { sources, files: records };
}
