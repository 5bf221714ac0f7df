import { isUtf8 } from 'node:buffer';
import { finished } from 'node:stream/promises';
import { parse as csvParse, type CsvError } from 'csv-parse';
import { SaxesParser } from 'saxes';
import type { Location, Message } from './checks.schemas';
import { readDataModel, describes, type DataModelFile, type LoadedDataModel } from './data-model';
import { parseStructured } from './documents';
import { message } from './findings';
import { readWhole, type Source } from './intake';
import { formatBytes, type CheckLimits } from './limits';
import { lookupReference } from './openapi.model';
import { firstInvalidUtf8, pointerSegment } from './text';

/**
 * One pass over each data file of an export (CSV and JSON Lines streamed, JSON and XML parsed)
 * gathers what every export rule needs: whether it parses, UTF-8, fields, record count,
 * primary-key duplicates and date values. The rules then only read these results.
 */
export type Problem = { at: Omit<Location, 'file' | 'entry'>; message: Message };

export type ProblemList = { listed: Problem[]; count: number };

export type DataFile = {
  source: Source;
  format: 'csv' | 'json' | 'jsonl' | 'xml';
  /** The character encoding the file was read in: UTF-8 unless a CSV's encoding is stated otherwise. */
  encoding: string;
  entry: DataModelFile | null;
  /** Whether the file could be read to its end (row problems may still be listed). */
  parsed: boolean;
  parseProblems: ProblemList;
  /** How the file was read, e.g. the CSV delimiter and whether it was detected. */
  readAs: Message | null;
  utf8: { valid: true; bom: boolean } | { valid: false; byte: number; line: number };
  fields: string[] | null;
  records: number | null;
  primaryKey: { fields: string[]; duplicates: ProblemList; empty: ProblemList } | null;
  dates: { checked: number; problems: ProblemList };
  /** The parsed JSON document, for JSON Schema validation. */
  document: unknown;
};

export type ExportOptions = {
  csv: { delimiter?: ',' | ';' | '\t' | '|' | undefined; encoding: 'utf-8' | 'windows-1252' | 'iso-8859-1' };
  requireTimeZone: boolean;
};

export type ExportData = {
  dataFiles: DataFile[];
  jsonSchemas: Source[];
  xsds: Source[];
  dataModels: { source: Source; loaded: LoadedDataModel }[];
  /** Data model entries that name no file of the export. */
  unmatched: { model: Source; entry: DataModelFile }[];
};

export type Progress = (bytes: number) => void;

class Problems implements ProblemList {
  listed: Problem[] = [];
  count = 0;
  constructor(private readonly limit: number) {}
  add(at: Problem['at'], text: Message): void {
    this.count++;
    if (this.listed.length < this.limit) this.listed.push({ at, message: text });
  }
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;
const DATE_LIKE = /^(\d{1,2}[./-]\d{1,2}[./-](\d{4}|\d{2})|\d{4}\/\d{1,2}\/\d{1,2}|\d{4}\.\d{1,2}\.\d{1,2})([ T]\d{1,2}[:.]\d{2}([:.]\d{2})?)?$/;

function validCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Null for a value that is not a date at all; otherwise whether it is a good ISO 8601 date. */
export function dateProblem(value: string, declared: 'date' | 'date-time' | null, requireTimeZone: boolean): { isDate: boolean; problem: Message | null } {
  const date = ISO_DATE.exec(value);
  if (date) {
    const ok = validCalendarDate(Number(date[1]), Number(date[2]), Number(date[3]));
    return { isDate: true, problem: ok ? null : message(`«${value}» er ikke en gyldig dato.`, `"${value}" is not a valid date.`) };
  }
  const dateTime = ISO_DATE_TIME.exec(value);
  if (dateTime) {
    if (!validCalendarDate(Number(dateTime[1]), Number(dateTime[2]), Number(dateTime[3])) || Number(dateTime[4]) > 23 || Number(dateTime[5]) > 59 || Number(dateTime[6] ?? 0) > 60) {
      return { isDate: true, problem: message(`«${value}» er ikke et gyldig tidspunkt.`, `"${value}" is not a valid date-time.`) };
    }
    if (!dateTime[7] && requireTimeZone) return { isDate: true, problem: message(`Tidspunktet «${value}» mangler tidssone.`, `The date-time "${value}" has no time zone.`) };
    return { isDate: true, problem: null };
  }
  if (DATE_LIKE.test(value)) return { isDate: true, problem: message(`«${value}» følger ikke ISO 8601 (ÅÅÅÅ-MM-DD).`, `"${value}" does not follow ISO 8601 (YYYY-MM-DD).`) };
  if (declared) return { isDate: true, problem: message(`«${value}» i et datofelt er ikke en ISO 8601-dato.`, `"${value}" in a date field is not an ISO 8601 date.`) };
  return { isDate: false, problem: null };
}

/** Checks UTF-8 chunk by chunk, carrying a sequence cut at a chunk's end over to the next. */
class Utf8Check {
  private carry: Uint8Array = new Uint8Array(0);
  private offset = 0;
  private lines = 1;
  failure: { byte: number; line: number } | null = null;
  bom: boolean | null = null;

  push(chunk: Uint8Array): void {
    if (this.failure) return;
    const bytes = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    if (this.bom === null && bytes.length >= 3) this.bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
    let end = bytes.length;
    for (let back = 1; back <= 3 && back <= bytes.length; back++) {
      const b = bytes[bytes.length - back] as number;
      if ((b & 0xc0) === 0x80) continue;
      const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
      if (length > back) end = bytes.length - back;
      break;
    }
    const body = bytes.subarray(0, end);
    if (!isUtf8(body)) {
      const at = firstInvalidUtf8(body);
      this.failure = { byte: this.offset + at, line: this.lines + countLines(body.subarray(0, at)) };
      return;
    }
    this.lines += countLines(body);
    this.offset += end;
    this.carry = bytes.subarray(end);
  }

  end(): void {
    if (!this.failure && this.carry.length > 0) this.failure = { byte: this.offset, line: this.lines };
  }
}

function countLines(bytes: Uint8Array): number {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let n = 0;
  for (let i = buffer.indexOf(10); i !== -1; i = buffer.indexOf(10, i + 1)) n++;
  return n;
}

const DELIMITERS = [',', ';', '\t', '|'] as const;

/** The delimiter that splits the header line into the most fields, outside quotes. */
function detectDelimiter(firstLine: string): ',' | ';' | '\t' | '|' {
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const char of firstLine) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && counts.has(char)) counts.set(char, (counts.get(char) as number) + 1);
  }
  let best: (typeof DELIMITERS)[number] = ',';
  for (const d of DELIMITERS) if ((counts.get(d) as number) > (counts.get(best) as number)) best = d;
  return best;
}

const DELIMITER_NAMES: Record<string, string> = { ',': 'komma / comma', ';': 'semikolon / semicolon', '\t': 'tabulator / tab', '|': 'loddrett strek / pipe' };

type RecordSink = {
  fields: string[] | null;
  records: number;
  keyFields: string[];
  keys: Set<string>;
  duplicates: Problems;
  empty: Problems;
  dates: Problems;
  datesChecked: number;
  dateFields: Map<string, 'date' | 'date-time'>;
  requireTimeZone: boolean;
};

function newSink(entry: DataModelFile | null, limits: CheckLimits, requireTimeZone: boolean): RecordSink {
  const dateFields = new Map<string, 'date' | 'date-time'>();
  for (const field of entry?.fields ?? []) if (field.type === 'date' || field.type === 'date-time') dateFields.set(field.name, field.type);
  return {
    fields: null,
    records: 0,
    keyFields: entry?.primaryKey ?? [],
    keys: new Set(),
    duplicates: new Problems(limits.failuresListed),
    empty: new Problems(limits.failuresListed),
    dates: new Problems(limits.failuresListed),
    datesChecked: 0,
    dateFields,
    requireTimeZone,
  };
}

function checkValue(sink: RecordSink, field: string, value: string, at: Problem['at']): void {
  const declared = sink.dateFields.get(field) ?? null;
  if (value === '') return;
  if (!declared) {
    const first = value.charCodeAt(0);
    if (first < 48 || first > 57 || value.length < 6 || value.length > 40) return;
  }
  const { isDate, problem } = dateProblem(value, declared, sink.requireTimeZone);
  if (!isDate) return;
  sink.datesChecked++;
  if (problem) sink.dates.add({ ...at, field }, problem);
}

function checkKey(sink: RecordSink, values: (string | undefined)[], at: Problem['at']): void {
  if (sink.keyFields.length === 0) return;
  if (values.some((v) => v === undefined || v === '')) {
    sink.empty.add(at, message(`Primærnøkkelen (${sink.keyFields.join(', ')}) er tom.`, `The primary key (${sink.keyFields.join(', ')}) is empty.`));
    return;
  }
  const key = values.join('\u0000');
  if (sink.keys.has(key)) {
    sink.duplicates.add(at, message(`Primærnøkkelen ${sink.keyFields.join(', ')} = «${values.join(', ')}» finnes fra før.`, `The primary key ${sink.keyFields.join(', ')} = "${values.join(', ')}" appears earlier.`));
  } else sink.keys.add(key);
}

function withSink(base: Omit<DataFile, 'fields' | 'records' | 'primaryKey' | 'dates'>, sink: RecordSink, recordsKnown: boolean): DataFile {
  return {
    ...base,
    fields: sink.fields,
    records: recordsKnown ? sink.records : null,
    primaryKey: sink.keyFields.length > 0 ? { fields: sink.keyFields, duplicates: sink.duplicates, empty: sink.empty } : null,
    dates: { checked: sink.datesChecked, problems: sink.dates },
  };
}

async function scanCsv(source: Source, entry: DataModelFile | null, options: ExportOptions, limits: CheckLimits, progress: Progress): Promise<DataFile> {
  const encoding = entry?.encoding ?? options.csv.encoding;
  const stated = entry?.delimiter ?? options.csv.delimiter;
  const decoder = new TextDecoder(encoding);
  const utf8 = new Utf8Check();
  const problems = new Problems(limits.failuresListed);
  const sink = newSink(entry, limits, options.requireTimeZone);
  let parser: ReturnType<typeof csvParse> | null = null;
  let parseError: CsvError | null = null;
  let delimiter: string = stated ?? ',';
  let failed = false;
  const keyIndexes: number[] = [];
  const start = (firstText: string) => {
    delimiter = stated ?? detectDelimiter(firstText.split(/\r?\n/, 1)[0] ?? '');
    parser = csvParse({
      delimiter,
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (error: CsvError | undefined) => {
        if (error) problems.add(typeof error.lines === 'number' ? { line: error.lines } : {}, message(`CSV-feil: ${error.message}`, `CSV error: ${error.message}`));
      },
      on_record: (record: string[], context) => {
        if (sink.fields === null) {
          sink.fields = record.map((f) => f.trim());
          for (const key of sink.keyFields) keyIndexes.push(sink.fields.indexOf(key));
          return null;
        }
        sink.records++;
        const row = sink.records;
        const fields = sink.fields;
        if (record.length !== fields.length) {
          problems.add({ row, line: context.lines }, message(`Rad ${row} har ${record.length} felt; overskriftsraden har ${fields.length}.`, `Row ${row} has ${record.length} fields; the header row has ${fields.length}.`));
        }
        for (let i = 0; i < record.length && i < fields.length; i++) checkValue(sink, fields[i] as string, record[i] as string, { row, line: context.lines });
        if (keyIndexes.length > 0) checkKey(sink, keyIndexes.map((k) => (k >= 0 ? record[k] : undefined)), { row, line: context.lines });
        return null;
      },
    });
    parser.on('error', (error: CsvError) => {
      parseError ??= error;
      failed = true;
    });
    parser.resume();
  };
  const feed = async (text: string) => {
    if (failed || text === '') return;
    if (!parser) start(text);
    const active = parser as unknown as NodeJS.WritableStream;
    if (!active.write(text)) await new Promise((resolve) => active.once('drain', resolve));
  };
  try {
    for await (const chunk of source.open()) {
      if (encoding === 'utf-8') utf8.push(chunk);
      await feed(decoder.decode(chunk, { stream: true }));
      progress(chunk.length);
    }
    await feed(decoder.decode());
    utf8.end();
    if (parser) {
      const active = parser as ReturnType<typeof csvParse>;
      const done = finished(active);
      active.end();
      await done;
    }
  } catch (error) {
    failed = true;
    parseError ??= error as CsvError;
  }
  if (parseError) problems.add(typeof parseError.lines === 'number' ? { line: parseError.lines } : {}, message(`CSV-fila kan ikke leses videre: ${parseError.message}`, `The CSV file cannot be read further: ${parseError.message}`));
  const readAs = message(
    `Lest som ${encoding.toUpperCase()} med skilletegn ${DELIMITER_NAMES[delimiter]}${stated ? '' : ' (funnet fra overskriftsraden)'}.`,
    `Read as ${encoding.toUpperCase()} with the delimiter ${DELIMITER_NAMES[delimiter]}${stated ? '' : ' (detected from the header row)'}.`,
  );
  if (sink.fields === null && !parseError) problems.add({}, message('CSV-fila har ingen overskriftsrad.', 'The CSV file has no header row.'));
  return withSink(
    {
      source,
      format: 'csv',
      encoding,
      entry,
      parsed: !parseError && sink.fields !== null,
      parseProblems: problems,
      readAs,
      utf8: encoding !== 'utf-8' ? { valid: true, bom: false } : utf8.failure ? { valid: false, ...utf8.failure } : { valid: true, bom: utf8.bom === true },
      document: undefined,
    },
    sink,
    !parseError,
  );
}

function recordsOf(value: unknown, entry: DataModelFile | null): { records: unknown[]; at: string } | null {
  if (entry?.records !== undefined) {
    const found = entry.records === '' ? value : lookupReference(value, `#${entry.records}`);
    return Array.isArray(found) ? { records: found, at: entry.records } : null;
  }
  if (Array.isArray(value)) return { records: value, at: '' };
  if (typeof value === 'object' && value !== null) {
    const arrays = Object.entries(value).filter(([, v]) => Array.isArray(v) && v.length > 0 && v.every((r) => typeof r === 'object' && r !== null && !Array.isArray(r)));
    if (arrays.length === 1) {
      const [key, records] = arrays[0] as [string, unknown[]];
      return { records, at: `/${pointerSegment(key)}` };
    }
  }
  return null;
}

function scanRecordObjects(records: unknown[], sink: RecordSink, locate: (index: number, field?: string) => Problem['at'], problems: Problems): void {
  const fields = new Set<string>();
  records.forEach((record, index) => {
    sink.records++;
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      problems.add(locate(index), message(`Post ${index + 1} er ikke et objekt.`, `Record ${index + 1} is not an object.`));
      return;
    }
    const values = record as Record<string, unknown>;
    for (const [field, value] of Object.entries(values)) {
      fields.add(field);
      if (typeof value === 'string') checkValue(sink, field, value, locate(index, field));
    }
    if (sink.keyFields.length > 0) checkKey(sink, sink.keyFields.map((k) => (values[k] === undefined || values[k] === null ? undefined : String(values[k]))), locate(index));
  });
  sink.fields = [...fields];
}

async function scanJson(source: Source, entry: DataModelFile | null, options: ExportOptions, limits: CheckLimits, progress: Progress): Promise<DataFile> {
  const problems = new Problems(limits.failuresListed);
  const sink = newSink(entry, limits, options.requireTimeZone);
  const base = { source, format: 'json' as const, encoding: 'utf-8', entry, readAs: null, document: undefined as unknown };
  if (source.size > limits.documentBytes) {
    problems.add({}, message(`JSON-fila er ${formatBytes(source.size)}; JSON leses i sin helhet og grensen er ${formatBytes(limits.documentBytes)}. Store eksporter kan leveres som JSON Lines eller CSV, som leses strømmet.`, `The JSON file is ${formatBytes(source.size)}; JSON is read whole and the limit is ${formatBytes(limits.documentBytes)}. Large exports can be supplied as JSON Lines or CSV, which are streamed.`));
    return withSink({ ...base, parsed: false, parseProblems: problems, utf8: { valid: true, bom: false } }, sink, false);
  }
  const bytes = await readWhole(source);
  progress(bytes.length);
  const utf8 = new Utf8Check();
  utf8.push(bytes);
  utf8.end();
  const utf8Result = utf8.failure ? { valid: false as const, ...utf8.failure } : { valid: true as const, bom: utf8.bom === true };
  const document = source.document ?? parseStructured(bytes, 'json');
  if (!document.ok) {
    problems.add(document.problem.at, document.problem.message);
    return withSink({ ...base, parsed: false, parseProblems: problems, utf8: utf8Result }, sink, false);
  }
  const found = recordsOf(document.value, entry);
  if (found) scanRecordObjects(found.records, sink, (index, field) => ({ pointer: `${found.at}/${index}${field === undefined ? '' : `/${pointerSegment(field)}`}` }), problems);
  else if (entry?.records !== undefined) problems.add({ pointer: entry.records }, message(`Datamodellen sier at postene står i ${entry.records}, men der er det ingen liste.`, `The data model says the records are at ${entry.records}, but there is no array there.`));
  else if (typeof document.value === 'object' && document.value !== null) sink.fields = Object.keys(document.value);
  return withSink({ ...base, parsed: true, parseProblems: problems, utf8: utf8Result, document: document.value }, sink, found !== null);
}

async function scanJsonLines(source: Source, entry: DataModelFile | null, options: ExportOptions, limits: CheckLimits, progress: Progress): Promise<DataFile> {
  const problems = new Problems(limits.failuresListed);
  const sink = newSink(entry, limits, options.requireTimeZone);
  const utf8 = new Utf8Check();
  const decoder = new TextDecoder('utf-8');
  const fields = new Set<string>();
  let rest = '';
  let line = 0;
  const handle = (text: string) => {
    line++;
    if (text.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      problems.add({ line }, message(`Linje ${line} er ikke gyldig JSON: ${(error as Error).message}`, `Line ${line} is not valid JSON: ${(error as Error).message}`));
      return;
    }
    sink.records++;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problems.add({ line }, message(`Linje ${line} er ikke et JSON-objekt.`, `Line ${line} is not a JSON object.`));
      return;
    }
    const record = value as Record<string, unknown>;
    for (const [field, v] of Object.entries(record)) {
      fields.add(field);
      if (typeof v === 'string') checkValue(sink, field, v, { line, field });
    }
    if (sink.keyFields.length > 0) checkKey(sink, sink.keyFields.map((k) => (record[k] === undefined || record[k] === null ? undefined : String(record[k]))), { line });
  };
  for await (const chunk of source.open()) {
    utf8.push(chunk);
    const text = rest + decoder.decode(chunk, { stream: true });
    const lines = text.split('\n');
    rest = lines.pop() ?? '';
    for (const l of lines) handle(l);
    progress(chunk.length);
  }
  rest += decoder.decode();
  if (rest !== '') handle(rest);
  utf8.end();
  sink.fields = [...fields];
  return withSink(
    { source, format: 'jsonl', encoding: 'utf-8', entry, parsed: true, parseProblems: problems, readAs: null, utf8: utf8.failure ? { valid: false, ...utf8.failure } : { valid: true, bom: utf8.bom === true }, document: undefined },
    sink,
    true,
  );
}

type Frame = { name: string; position: number; children: Map<string, number>; text: string };

const localName = (name: string) => name.slice(name.indexOf(':') + 1);

async function scanXml(source: Source, entry: DataModelFile | null, options: ExportOptions, limits: CheckLimits, progress: Progress): Promise<DataFile> {
  const problems = new Problems(limits.failuresListed);
  const sink = newSink(entry, limits, options.requireTimeZone);
  const utf8 = new Utf8Check();
  const decoder = new TextDecoder('utf-8');
  const parser = new SaxesParser({ position: true });
  const stack: Frame[] = [];
  const fields = new Set<string>();
  const recordElement = entry?.recordElement ?? null;
  let recordDepth = -1;
  let recordValues: Map<string, string> | null = null;
  let stopped: Problem | null = null;
  const xpath = () => stack.map((f) => `/${f.name}[${f.position}]`).join('');

  parser.on('doctype', (doctype) => {
    if (/<!ENTITY/i.test(doctype) || /\bSYSTEM\b|\bPUBLIC\b/.test(doctype)) {
      stopped = {
        at: { line: parser.line },
        message: message(
          'XML-fila har en DTD som erklærer entiteter eller peker på eksterne filer. Slike DTD-er behandles aldri (de kan hente filer eller blåse opp dokumentet), så fila leses ikke.',
          'The XML file has a DTD that declares entities or points at external files. Such DTDs are never processed (they can fetch files or blow the document up), so the file is not read.',
        ),
      };
    }
  });
  parser.on('opentag', (tag) => {
    const name = localName(tag.name);
    const parent = stack.at(-1);
    const position = parent ? (parent.children.get(name) ?? 0) + 1 : 1;
    parent?.children.set(name, position);
    stack.push({ name, position, children: new Map(), text: '' });
    const depth = stack.length;
    const isRecord = recordElement ? name === recordElement && recordDepth === -1 : depth === 2;
    if (isRecord) {
      recordDepth = depth;
      recordValues = new Map();
      sink.records++;
      for (const [attribute, value] of Object.entries(tag.attributes)) {
        if (attribute === 'xmlns' || attribute.startsWith('xmlns:')) continue;
        const field = localName(attribute);
        fields.add(field);
        recordValues.set(field, String(value));
        checkValue(sink, field, String(value), { xpath: `${xpath()}/@${field}`, field });
      }
    } else if (recordValues && depth === recordDepth + 1) fields.add(name);
  });
  parser.on('text', (text) => {
    const frame = stack.at(-1);
    if (frame && recordValues && stack.length === recordDepth + 1 && frame.text.length < 1024) frame.text += text;
  });
  parser.on('cdata', (text) => {
    const frame = stack.at(-1);
    if (frame && recordValues && stack.length === recordDepth + 1 && frame.text.length < 1024) frame.text += text;
  });
  parser.on('closetag', () => {
    const depth = stack.length;
    const frame = stack.at(-1) as Frame;
    if (recordValues && depth === recordDepth + 1) {
      const value = frame.text.trim();
      recordValues.set(frame.name, value);
      checkValue(sink, frame.name, value, { xpath: xpath(), field: frame.name });
    }
    if (recordValues && depth === recordDepth) {
      if (sink.keyFields.length > 0) checkKey(sink, sink.keyFields.map((k) => recordValues?.get(k)), { xpath: xpath() });
      recordValues = null;
      recordDepth = recordElement ? -1 : 2;
    }
    stack.pop();
  });
  parser.on('error', (error) => {
    if (!stopped) stopped = { at: { line: parser.line, column: parser.column }, message: message(`XML-fila er ikke velformet: ${error.message}`, `The XML file is not well-formed: ${error.message}`) };
  });
  if (!recordElement) recordDepth = 2;
  for await (const chunk of source.open()) {
    utf8.push(chunk);
    progress(chunk.length);
    if (stopped) continue;
    parser.write(decoder.decode(chunk, { stream: true }));
  }
  utf8.end();
  if (!stopped) {
    parser.write(decoder.decode());
    parser.close();
  }
  const failure = stopped as Problem | null;
  if (failure) problems.add(failure.at, failure.message);
  sink.fields = [...fields];
  return withSink(
    { source, format: 'xml', encoding: 'utf-8', entry, parsed: failure === null, parseProblems: problems, readAs: null, utf8: utf8.failure ? { valid: false, ...utf8.failure } : { valid: true, bom: utf8.bom === true }, document: undefined },
    sink,
    failure === null,
  );
}

const SCANNERS = { csv: scanCsv, json: scanJson, jsonl: scanJsonLines, xml: scanXml };

export async function scanExport(sources: Source[], options: ExportOptions, limits: CheckLimits, progress: Progress): Promise<ExportData> {
  const dataModels = sources.filter((s) => s.format === 'data-model').map((source) => ({ source, loaded: readDataModel(source.document) }));
  const entries = dataModels.flatMap(({ source, loaded }) => (loaded.ok ? loaded.model.files.map((entry) => ({ model: source, entry })) : []));
  const dataFiles: DataFile[] = [];
  const matched = new Set<DataModelFile>();
  for (const source of sources) {
    if (source.format !== 'csv' && source.format !== 'json' && source.format !== 'jsonl' && source.format !== 'xml') continue;
    const entry = entries.find((e) => describes(e.entry, source.name))?.entry ?? null;
    if (entry) matched.add(entry);
    dataFiles.push(await SCANNERS[source.format](source, entry, options, limits, progress));
  }
  return {
    dataFiles,
    jsonSchemas: sources.filter((s) => s.format === 'json-schema'),
    xsds: sources.filter((s) => s.format === 'xsd'),
    dataModels,
    unmatched: entries.filter((e) => !matched.has(e.entry)),
  };
}
