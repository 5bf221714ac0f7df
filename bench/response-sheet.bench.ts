/**
 * Response sheet benchmark: building the sheet for a 300-requirement tender, in both languages,
 * beside two floors: exceljs writing the same workbook, already built from the model (as the
 * docx floor of the Word documents), and exceljs writing the same rows as plain values with
 * nothing else (no styles, rich text, table, validation, protection or fixed dates); and
 * importing the sheet filled in. Targets: generation median at most 1.3 times the floor and under
 * 300 ms, import median under 500 ms.
 * Run: npx tsx -e "require('./bench/response-sheet.bench').benchResponseSheet().then(l=>console.log(l.join('\n')))"
 */
import { createHash } from 'node:crypto';
import { Workbook } from 'exceljs';
import type { DocumentItem, DocumentLanguage, DocumentSection, RequirementType, TenderDocumentModel } from '../server/documents/document-model';
import { buildResponseSheet, createResponseWorkbook, FIRST_ROW, METADATA_SHEET, readResponseSheet } from '../server/documents/response-sheet.xlsx';
import { againstFloor, floorLine } from './documents.bench';

const REQUIREMENTS = 300;
const SECTIONS = 10;
const RUNS = 15;
const TYPES: RequirementType[] = ['A', 'V', 'AV'];
const TEXT =
  'Løsningen skal ha et lese-API som gir tilgang til alle fagdata i løsningen, inkludert metadata, dokumenter og kodelister. ' +
  'API-et skal ha en maskinlesbar beskrivelse etter OpenAPI 3 eller tilsvarende, som dekker alle operasjoner, datatyper, feilkoder og tilgangsnivåer. ' +
  'Beskrivelsen skal være tilgjengelig for kunden og for tredjeparter kunden velger, uten krav om taushetserklæring eller ekstra kostnad.';
const GUIDANCE = 'Oppgi adressen til API-beskrivelsen, og lever en dekningsmatrise som for hver objekttype viser hvilket endepunkt som gir lesetilgang.';

function syntheticModel(language: DocumentLanguage = 'nb'): TenderDocumentModel {
  const sections: DocumentSection[] = Array.from({ length: SECTIONS }, (_, s) => ({ number: String(s + 1), title: `Kapittel ${s + 1}`, items: [] }));
  for (let n = 0; n < REQUIREMENTS; n++) {
    const section = sections[n % SECTIONS] as DocumentSection;
    const type = TYPES[n % TYPES.length] as RequirementType;
    const item: DocumentItem = {
      number: `${section.number}.${section.items.length + 1}`,
      key: `GEN-${String(n + 1).padStart(3, '0')}`,
      version: '1.0.0',
      fromLibrary: true,
      kind: 'requirement',
      type,
      weight: type === 'A' ? null : 5 + (n % 4) * 5,
      title: `Krav nummer ${n + 1} om tilgang til egne data`,
      text: `${TEXT} (${n + 1})`,
      responseGuidance: GUIDANCE,
    };
    section.items.push(item);
  }
  return {
    tenderId: '00000000-0000-4000-8000-000000000300',
    language,
    title: 'Ytelsestest: fagsystem med 300 krav',
    reference: '2025/0300',
    revision: 1,
    isDraft: false,
    date: '2025-06-01',
    buyers: ['Bergen kommune'],
    contact: null,
    deadline: '2025-08-01',
    description: '',
    domain: null,
    sections,
  };
}

/**
 * The plain floor: the rows of the response sheet (title block, header, one row per requirement)
 * and of its metadata sheet (a key and a SHA-256 per requirement), as plain values, written by
 * exceljs. The hashes are made before the timer starts.
 */
async function bareSheet(model: TenderDocumentModel, hashes: string[]): Promise<Buffer> {
  const workbook = new Workbook();
  const sheet = workbook.addWorksheet('Svarskjema');
  const items = model.sections.flatMap((section) => section.items);
  sheet.addRows([
    [model.title],
    [`${model.reference} · ${model.revision} · ${model.date}`],
    ['Fyll ut kolonnene Svar, Forklaring og Dokumentasjon for hvert krav.'],
    ['Krav-ID', 'Krav', 'Type', 'Vekt', 'Krav til besvarelse', 'Svar', 'Forklaring', 'Dokumentasjon'],
    ...items.map((item) => [item.key, `${item.number} ${item.title}\n${item.text}`, item.type, item.weight, item.responseGuidance, null, null, null]),
  ]);
  const meta = workbook.addWorksheet(METADATA_SHEET);
  meta.addRows([['format', 'datakrav-response-sheet/1'], ['tenderId', model.tenderId], ['key', 'sha256'], ...items.map((item, i) => [item.key, hashes[i]])]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

async function filledSheet(model: TenderDocumentModel): Promise<Buffer> {
  const workbook = new Workbook();
  await workbook.xlsx.load((await buildResponseSheet(model)) as unknown as Parameters<Workbook['xlsx']['load']>[0]);
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new Error('the response sheet has no worksheet');
  const answers = ['Ja', 'Delvis', 'Nei'];
  for (let n = 0; n < REQUIREMENTS; n++) {
    const row = sheet.getRow(FIRST_ROW + n);
    row.getCell(6).value = answers[n % answers.length] as string;
    row.getCell(7).value = `Vi oppfyller kravet gjennom vårt REST-API. ${TEXT.slice(0, 200)}`;
    row.getCell(8).value = `https://leverandør.example.no/dokumentasjon/${n + 1}`;
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

async function median(run: () => Promise<unknown>): Promise<number> {
  await run();
  const timings: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await run();
    timings.push(performance.now() - started);
  }
  timings.sort((a, b) => a - b);
  return timings[Math.floor(timings.length / 2)] as number;
}

export async function benchResponseSheet(): Promise<string[]> {
  const lines: string[] = [];
  let slowest = 0;
  for (const language of ['nb', 'en'] as const) {
    const model = syntheticModel(language);
    const written = await againstFloor(
      () => buildResponseSheet(model),
      async () => {
        const workbook = await createResponseWorkbook(model);
        return () => workbook.xlsx.writeBuffer();
      },
    );
    const hashes = model.sections.flatMap((section) => section.items.map((item) => createHash('sha256').update(item.text + item.key).digest('hex')));
    const plain = await againstFloor(
      () => buildResponseSheet(model),
      async () => () => bareSheet(model, hashes),
    );
    slowest = Math.max(slowest, written.full, plain.full);
    lines.push(`  ${floorLine(`Response sheet XLSX, ${REQUIREMENTS} requirements, ${language}`, written, 'exceljs floor (the same workbook, pre-built, written by exceljs alone)')}`);
    lines.push(`  ${floorLine(`Response sheet XLSX, ${REQUIREMENTS} requirements, ${language}`, plain, 'plain exceljs floor (the same rows as plain values)')}`);
  }
  const model = syntheticModel();
  const filled = await filledSheet(model);
  const answers = await readResponseSheet(filled, model);
  if (answers.length !== REQUIREMENTS) throw new Error(`the import returned ${answers.length} answers, not ${REQUIREMENTS}`);
  const importing = await median(() => readResponseSheet(filled, model));
  const verdict = (ms: number, target: number) => `target < ${target} ms: ${ms < target ? 'met' : 'NOT met'}`;
  return [
    'Response sheet beside the exceljs floor (20 runs each, measured in turn):',
    ...lines,
    `Response sheet XLSX, ${REQUIREMENTS} items, slower language: median ${Math.round(slowest)} ms — ${verdict(slowest, 300)}`,
    `Import of a filled ${REQUIREMENTS}-row sheet: median ${Math.round(importing)} ms — ${verdict(importing, 500)}`,
  ];
}
