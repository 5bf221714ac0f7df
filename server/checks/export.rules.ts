import Ajv, { type AnySchema, type ErrorObject } from 'ajv';
import Ajv2019 from 'ajv/dist/2019';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { validateXML } from 'xmllint-wasm';
import type { Message } from './checks.schemas';
import type { DataFile, ExportData, ProblemList } from './export.scan';
import { message, type RuleFindings } from './findings';
import { locate, readWhole, sourceLabel, type Source } from './intake';
import { formatBytes } from './limits';
import type { RuleContext, RuleImplementation } from './rule-context';
import type { RuleId } from './rules.catalogue';
import { baseName, decodeUtf8 } from './text';

const label = (file: DataFile) => sourceLabel(file.source);

function listProblems(findings: RuleFindings, file: DataFile, problems: ProblemList): void {
  for (const problem of problems.listed) findings.fail(locate(file.source, problem.at), problem.message);
  const unlisted = problems.count - problems.listed.length;
  if (unlisted > 0) findings.failUnlisted(locate(file.source), message(`… og ${unlisted} flere av samme slag i ${label(file)}.`, `… and ${unlisted} more of the same kind in ${label(file)}.`), unlisted);
}

async function withData(context: RuleContext, findings: RuleFindings, check: (data: ExportData) => Promise<void> | void): Promise<void> {
  const data = await context.exportData();
  if (data.dataFiles.length === 0 && data.dataModels.length === 0) {
    findings.notApplicable(null, message('Ingen eksportfiler (CSV, JSON, JSON Lines eller XML) blant filene.', 'No export files (CSV, JSON, JSON Lines or XML) among the files.'));
    return;
  }
  await check(data);
}

const FORMAT_LABEL: Record<DataFile['format'], string> = { csv: 'CSV', json: 'JSON', jsonl: 'JSON Lines', xml: 'XML' };

export const exportParses: RuleImplementation<'export.parses'> = (context, _params, findings) =>
  withData(context, findings, (data) => {
    if (data.dataFiles.length === 0) findings.notApplicable(null, message('Ingen eksportfiler blant filene, bare en datamodell.', 'No export files among the files, only a data model.'));
    for (const file of data.dataFiles) {
      if (file.parsed && file.parseProblems.count === 0) {
        const records = file.records === null ? '' : ` ${file.records} poster.`;
        const recordsEn = file.records === null ? '' : ` ${file.records} records.`;
        findings.pass(locate(file.source), message(`${label(file)} kan leses som ${FORMAT_LABEL[file.format]}.${records} ${file.readAs?.nb ?? ''}`.trim(), `${label(file)} parses as ${FORMAT_LABEL[file.format]}.${recordsEn} ${file.readAs?.en ?? ''}`.trim()), {
          records: file.records,
        });
      } else listProblems(findings, file, file.parseProblems);
    }
  });

export const exportUtf8: RuleImplementation<'export.utf8'> = (context, _params, findings) =>
  withData(context, findings, (data) => {
    for (const file of data.dataFiles) {
      if (file.encoding !== 'utf-8') {
        findings.fail(locate(file.source), message(`${label(file)} er oppgitt å være ${file.encoding.toUpperCase()}, ikke UTF-8.`, `${label(file)} is stated to be ${file.encoding.toUpperCase()}, not UTF-8.`));
      } else if (file.utf8.valid) {
        findings.pass(locate(file.source), message(`${label(file)} er gyldig UTF-8${file.utf8.bom ? ' (med byte-rekkefølgemerke)' : ''}.`, `${label(file)} is valid UTF-8${file.utf8.bom ? ' (with a byte order mark)' : ''}.`));
      } else {
        findings.fail(locate(file.source, { byte: file.utf8.byte, line: file.utf8.line }), message(`${label(file)} er ikke gyldig UTF-8: ugyldig byte ved posisjon ${file.utf8.byte} (linje ${file.utf8.line}).`, `${label(file)} is not valid UTF-8: invalid byte at offset ${file.utf8.byte} (line ${file.utf8.line}).`));
      }
    }
    if (data.dataFiles.length === 0) findings.notApplicable(null, message('Ingen eksportfiler blant filene.', 'No export files among the files.'));
  });

function pairedSchema<T extends { source: Source }>(file: DataFile, schemas: T[], declared: (schema: T) => boolean): T | null {
  const stem = baseName(file.source.name).replace(/\.[^.]+$/, '');
  return schemas.find(declared) ?? schemas.find((s) => baseName(s.source.name).replace(/(\.schema)?\.(json|xsd)$/i, '') === stem) ?? (schemas.length === 1 ? (schemas[0] as T) : null);
}

type LoadedSchema = { source: Source; schema: Record<string, unknown> | null; problem: Message | null };

function loadJsonSchema(source: Source): LoadedSchema {
  const document = source.document;
  if (!document || !document.ok) return { source, schema: null, problem: message(`JSON Schema-fila ${sourceLabel(source)} kan ikke leses.`, `The JSON Schema file ${sourceLabel(source)} cannot be read.`) };
  return { source, schema: document.value as Record<string, unknown>, problem: null };
}

function ajvFor(schema: Record<string, unknown>): Ajv | null {
  const dialect = typeof schema.$schema === 'string' ? schema.$schema : '';
  const options = { allErrors: true, strict: false, validateFormats: true } as const;
  let ajv: Ajv;
  if (/2020-12/.test(dialect)) ajv = new Ajv2020(options);
  else if (/2019-09/.test(dialect)) ajv = new Ajv2019(options);
  else if (dialect === '' || /draft-0[67]/.test(dialect)) ajv = new Ajv(options);
  else return null;
  addFormats(ajv);
  return ajv;
}

function schemaErrorText(error: ErrorObject): string {
  return `${error.message ?? error.keyword}${error.params && 'allowedValues' in error.params ? `: ${(error.params.allowedValues as unknown[]).join(', ')}` : ''}`;
}

export const exportJsonSchema: RuleImplementation<'export.json-schema'> = (context, _params, findings) =>
  withData(context, findings, async (data) => {
    if (data.jsonSchemas.length === 0) {
      findings.notApplicable(null, message('Ingen JSON Schema-beskrivelse blant filene.', 'No JSON Schema among the files.'));
      return;
    }
    const schemas = data.jsonSchemas.map(loadJsonSchema);
    const jsonFiles = data.dataFiles.filter((f) => f.format === 'json' || f.format === 'jsonl');
    if (jsonFiles.length === 0) findings.notApplicable(null, message('Ingen JSON-filer å kontrollere mot skjemaet.', 'No JSON files to check against the schema.'));
    for (const file of jsonFiles) {
      const dataSchema = typeof file.document === 'object' && file.document !== null ? (file.document as Record<string, unknown>).$schema : undefined;
      const paired = pairedSchema(file, schemas, (s) => typeof dataSchema === 'string' && s.schema?.$id === dataSchema);
      if (!paired) {
        findings.notApplicable(locate(file.source), message(`Ingen JSON Schema hører til ${label(file)}.`, `No JSON Schema belongs to ${label(file)}.`));
        continue;
      }
      if (paired.problem || !paired.schema) {
        findings.fail(locate(paired.source), paired.problem as Message);
        continue;
      }
      if (!file.parsed) {
        findings.fail(locate(file.source), message(`${label(file)} kan ikke kontrolleres mot skjemaet fordi den ikke kan leses.`, `${label(file)} cannot be checked against the schema, because it does not parse.`));
        continue;
      }
      const ajv = ajvFor(paired.schema);
      if (!ajv) {
        findings.fail(locate(paired.source, { pointer: '/$schema' }), message(`Skjemaversjonen «${String(paired.schema.$schema)}» støttes ikke; bruk draft-07, 2019-09 eller 2020-12.`, `The schema dialect "${String(paired.schema.$schema)}" is not supported; use draft-07, 2019-09 or 2020-12.`));
        continue;
      }
      for (const other of schemas) if (other !== paired && other.schema && typeof other.schema.$id === 'string' && ajvFor(other.schema) !== null) ajv.addSchema(other.schema as AnySchema);
      let validate: ReturnType<Ajv['compile']>;
      try {
        validate = ajv.compile(paired.schema as AnySchema);
      } catch (error) {
        findings.fail(
          locate(paired.source),
          message(
            `Skjemaet ${sourceLabel(paired.source)} kan ikke brukes: ${(error as Error).message}. Referanser ut av de opplastede skjemaene hentes ikke.`,
            `The schema ${sourceLabel(paired.source)} cannot be used: ${(error as Error).message}. References outside the uploaded schemas are not fetched.`,
          ),
        );
        continue;
      }
      if (file.format === 'jsonl') {
        await validateLines(file, validate, paired.source, findings);
        continue;
      }
      if (validate(file.document)) {
        findings.pass(locate(file.source), message(`${label(file)} følger skjemaet ${sourceLabel(paired.source)}.`, `${label(file)} follows the schema ${sourceLabel(paired.source)}.`));
        continue;
      }
      for (const error of validate.errors ?? []) {
        findings.fail(locate(file.source, { pointer: error.instancePath || '' }), message(`Følger ikke skjemaet (${error.schemaPath}): ${schemaErrorText(error)}.`, `Does not follow the schema (${error.schemaPath}): ${schemaErrorText(error)}.`));
      }
    }
  });

/**
 * A JSON Lines file against its schema, which describes one line's record: the file is read again
 * as a stream, line by line, so a large export is never held whole. Lines that do not parse are
 * the parse rule's findings and are skipped here.
 */
async function validateLines(file: DataFile, validate: ReturnType<Ajv['compile']>, schema: Source, findings: RuleFindings): Promise<void> {
  const decoder = new TextDecoder('utf-8');
  let rest = '';
  let line = 0;
  let failed = 0;
  const check = (text: string) => {
    line += 1;
    if (text.trim() === '') return;
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch {
      return;
    }
    if (validate(record)) return;
    failed += 1;
    for (const error of validate.errors ?? []) {
      findings.fail(locate(file.source, { line, pointer: error.instancePath || '' }), message(`Linje ${line} følger ikke skjemaet (${error.schemaPath}): ${schemaErrorText(error)}.`, `Line ${line} does not follow the schema (${error.schemaPath}): ${schemaErrorText(error)}.`));
    }
  };
  for await (const chunk of file.source.open()) {
    const lines = (rest + decoder.decode(chunk, { stream: true })).split('\n');
    rest = lines.pop() ?? '';
    for (const text of lines) check(text);
  }
  rest += decoder.decode();
  if (rest !== '') check(rest);
  if (failed === 0) {
    findings.pass(locate(file.source), message(`Hver linje i ${label(file)} følger skjemaet ${sourceLabel(schema)}.`, `Every line of ${label(file)} follows the schema ${sourceLabel(schema)}.`));
  }
}

const SAFE_NAME = /[^A-Za-z0-9._-]/g;
const xmllintName = (name: string) => baseName(name).replace(SAFE_NAME, '_').replace(/^[-.]+/, '_');
const INCLUDES = /<(?:[A-Za-z_][\w.-]*:)?(include|import|redefine|override)\b[^>]*?\bschemaLocation\s*=\s*["']([^"']*)["']/g;

/** The schema locations an XSD's include, import, redefine and override elements name. */
function schemaLocations(text: string): string[] {
  return [...text.matchAll(INCLUDES)].map((m) => m[2] as string);
}

function declaredSchemaLocation(head: string): string | null {
  const match = /\b(?:[A-Za-z_][\w.-]*:)?(noNamespaceSchemaLocation|schemaLocation)\s*=\s*["']([^"']+)["']/.exec(head);
  if (!match) return null;
  const parts = (match[2] as string).trim().split(/\s+/);
  return baseName(parts[parts.length - 1] as string);
}

export const exportXsd: RuleImplementation<'export.xsd'> = (context, _params, findings) =>
  withData(context, findings, async (data) => {
    if (data.xsds.length === 0) {
      findings.notApplicable(null, message('Ingen XSD blant filene.', 'No XSD among the files.'));
      return;
    }
    const xsds: { source: Source; text: string | null; problem: Message | null }[] = [];
    const provided = new Set(data.xsds.map((s) => xmllintName(s.name)));
    for (const source of data.xsds) {
      if (source.size > context.limits.documentBytes) {
        xsds.push({ source, text: null, problem: message(`XSD-en er større enn ${formatBytes(context.limits.documentBytes)}.`, `The XSD is larger than ${formatBytes(context.limits.documentBytes)}.`) });
        continue;
      }
      const decoded = decodeUtf8(await readWhole(source));
      if (!decoded.ok) {
        xsds.push({ source, text: null, problem: message('XSD-en er ikke gyldig UTF-8.', 'The XSD is not valid UTF-8.') });
        continue;
      }
      if (/<!DOCTYPE/i.test(decoded.text)) {
        xsds.push({ source, text: null, problem: message('XSD-en har en DTD; den brukes ikke (DTD-er kan hente filer eller blåse opp dokumentet).', 'The XSD has a DTD; it is not used (DTDs can fetch files or blow the document up).') });
        continue;
      }
      const outside = schemaLocations(decoded.text).filter((location) => !provided.has(xmllintName(location)) || /^[a-z][a-z0-9+.-]*:/i.test(location) || location.startsWith('/'));
      if (outside.length > 0) {
        xsds.push({
          source,
          text: null,
          problem: message(`XSD-en viser til ${outside.join(', ')}, som ikke er lastet opp. Kontrollene henter ingenting fra nett eller filsystem.`, `The XSD refers to ${outside.join(', ')}, which is not uploaded. The checks fetch nothing from the network or the file system.`),
        });
        continue;
      }
      xsds.push({ source, text: decoded.text, problem: null });
    }
    const xmlFiles = data.dataFiles.filter((f) => f.format === 'xml');
    if (xmlFiles.length === 0) findings.notApplicable(null, message('Ingen XML-filer å kontrollere mot XSD-en.', 'No XML files to check against the XSD.'));
    for (const file of xmlFiles) {
      const head = Buffer.from(await readHead(file.source)).toString('utf8');
      const declared = declaredSchemaLocation(head);
      const paired = pairedSchema(file, xsds, (x) => declared !== null && xmllintName(x.source.name) === xmllintName(declared));
      if (!paired) {
        findings.notApplicable(locate(file.source), message(`Ingen XSD hører til ${label(file)}.`, `No XSD belongs to ${label(file)}.`));
        continue;
      }
      if (paired.problem || paired.text === null) {
        findings.fail(locate(paired.source), paired.problem as Message);
        continue;
      }
      if (!file.parsed) {
        findings.fail(locate(file.source), message(`${label(file)} kontrolleres ikke mot XSD-en fordi den ikke kan leses (se export.parses).`, `${label(file)} is not checked against the XSD, because it does not parse (see export.parses).`));
        continue;
      }
      if (file.source.size > context.limits.documentBytes) {
        findings.fail(locate(file.source), message(`${label(file)} er større enn ${formatBytes(context.limits.documentBytes)} og kontrolleres ikke mot XSD-en.`, `${label(file)} is larger than ${formatBytes(context.limits.documentBytes)} and is not checked against the XSD.`));
        continue;
      }
      const contents = await readWhole(file.source);
      const pages = Math.min(65536, Math.ceil((contents.length * 4 + 64 * 1024 * 1024) / 65536));
      const result = await validateXML({
        xml: [{ fileName: 'export.xml', contents }],
        schema: [{ fileName: xmllintName(paired.source.name), contents: paired.text }],
        preload: xsds.filter((x) => x !== paired && x.text !== null).map((x) => ({ fileName: xmllintName(x.source.name), contents: x.text as string })),
        stream: true,
        maxMemoryPages: pages,
        modifyArguments: (args) => ['--nonet', ...args],
      });
      if (result.valid) {
        findings.pass(locate(file.source), message(`${label(file)} følger XSD-en ${sourceLabel(paired.source)}.`, `${label(file)} follows the XSD ${sourceLabel(paired.source)}.`));
        continue;
      }
      for (const error of result.errors.filter((e) => e.loc?.fileName === 'export.xml' || e.loc === null)) {
        if (/fails to validate$/.test(error.rawMessage.trim())) continue;
        findings.fail(locate(file.source, error.loc ? { line: error.loc.lineNumber } : {}), message(`Følger ikke XSD-en: ${error.message}`, `Does not follow the XSD: ${error.message}`));
      }
    }
  });

async function readHead(source: Source): Promise<Uint8Array> {
  for await (const chunk of source.open()) return chunk.subarray(0, 4096);
  return new Uint8Array(0);
}

export const exportDataModel: RuleImplementation<'export.data-model'> = (context, _params, findings) =>
  withData(context, findings, (data) => {
    if (data.dataModels.length === 0) {
      findings.notApplicable(null, message('Ingen datamodell (datakravDataModel) blant filene.', 'No data model (datakravDataModel) among the files.'));
      return;
    }
    for (const { source, loaded } of data.dataModels) {
      if (!loaded.ok) for (const error of loaded.errors) findings.fail(locate(source), message(`Datamodellen kan ikke leses: ${error}`, `The data model cannot be read: ${error}`));
    }
    for (const { model, entry } of data.unmatched) {
      findings.fail(locate(model), message(`Fila «${entry.path}» står i datamodellen, men finnes ikke i eksporten.`, `The file "${entry.path}" is in the data model, but not in the export.`));
    }
    for (const file of data.dataFiles) {
      const entry = file.entry;
      if (!entry) continue;
      if (entry.format && entry.format !== file.format) {
        findings.fail(locate(file.source), message(`Datamodellen sier ${entry.format}, men ${label(file)} er ${FORMAT_LABEL[file.format]}.`, `The data model says ${entry.format}, but ${label(file)} is ${FORMAT_LABEL[file.format]}.`));
      }
      if (entry.fields.length === 0) {
        findings.pass(locate(file.source), message(`${label(file)} finnes i eksporten.`, `${label(file)} is in the export.`));
        continue;
      }
      if (file.fields === null) {
        findings.fail(locate(file.source), message(`Feltene i ${label(file)} kan ikke leses.`, `The fields of ${label(file)} cannot be read.`));
        continue;
      }
      if (withoutRecords(file)) {
        findings.notApplicable(locate(file.source), message(`${label(file)} har ingen poster, så feltene kan ikke sammenlignes med datamodellen.`, `${label(file)} holds no records, so its fields cannot be compared with the data model.`));
        continue;
      }
      const present = new Set(file.fields);
      const missing = entry.fields.filter((f) => !present.has(f.name));
      for (const field of missing) findings.fail(locate(file.source, { field: field.name }), message(`Feltet «${field.name}» fra datamodellen mangler i ${label(file)}.`, `The field "${field.name}" of the data model is missing from ${label(file)}.`));
      if (missing.length === 0) findings.pass(locate(file.source), message(`Alle ${entry.fields.length} felt fra datamodellen finnes i ${label(file)}.`, `All ${entry.fields.length} fields of the data model are in ${label(file)}.`), { fields: entry.fields.length });
    }
  });

/**
 * A JSON, JSON Lines or XML file shows its fields only through its records, so one without records
 * says nothing of them; a CSV file names its fields in its header line either way.
 */
const withoutRecords = (file: DataFile) => file.records === 0 && file.format !== 'csv';

export const exportRecords: RuleImplementation<'export.records'> = (context, _params, findings) =>
  withData(context, findings, (data) => {
    for (const file of data.dataFiles) {
      if (file.records === null) findings.notApplicable(locate(file.source), message(`Antall poster i ${label(file)} kan ikke telles.`, `The records of ${label(file)} cannot be counted.`));
      else findings.pass(locate(file.source), message(`${label(file)}: ${file.records} poster.`, `${label(file)}: ${file.records} records.`), { records: file.records });
      const key = file.primaryKey;
      if (!key) {
        findings.notApplicable(locate(file.source), message(`Ingen primærnøkkel er oppgitt for ${label(file)} i datamodellen.`, `No primary key is stated for ${label(file)} in the data model.`));
        continue;
      }
      if (file.fields !== null && !withoutRecords(file)) {
        const missing = key.fields.filter((f) => !file.fields?.includes(f));
        if (missing.length > 0) {
          findings.fail(locate(file.source), message(`Primærnøkkelen ${missing.join(', ')} finnes ikke i ${label(file)}.`, `The primary key ${missing.join(', ')} is not in ${label(file)}.`));
          continue;
        }
      }
      if (key.duplicates.count === 0 && key.empty.count === 0) findings.pass(locate(file.source), message(`Primærnøkkelen ${key.fields.join(', ')} er unik i ${label(file)}.`, `The primary key ${key.fields.join(', ')} is unique in ${label(file)}.`));
      listProblems(findings, file, key.duplicates);
      listProblems(findings, file, key.empty);
    }
  });

export const exportIsoDates: RuleImplementation<'export.iso-dates'> = (context, _params, findings) =>
  withData(context, findings, (data) => {
    for (const file of data.dataFiles) {
      if (file.dates.checked === 0) {
        findings.notApplicable(locate(file.source), message(`Ingen datoer funnet i ${label(file)}.`, `No dates found in ${label(file)}.`));
        continue;
      }
      if (file.dates.problems.count === 0) findings.pass(locate(file.source), message(`Alle ${file.dates.checked} datoer i ${label(file)} følger ISO 8601.`, `All ${file.dates.checked} dates in ${label(file)} follow ISO 8601.`), { dates: file.dates.checked });
      else listProblems(findings, file, file.dates.problems);
    }
  });

export const EXPORT_RULES = {
  'export.parses': exportParses,
  'export.utf8': exportUtf8,
  'export.json-schema': exportJsonSchema,
  'export.xsd': exportXsd,
  'export.data-model': exportDataModel,
  'export.records': exportRecords,
  'export.iso-dates': exportIsoDates,
} satisfies { [R in Extract<RuleId, `export.${string}`>]: RuleImplementation<R> };
