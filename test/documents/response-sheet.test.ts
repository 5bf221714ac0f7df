import { type Cell, type CellValue, Workbook, type Worksheet } from 'exceljs';
import fc from 'fast-check';
import JSZip from 'jszip';
import type { DocumentItem, DocumentLanguage, TenderDocumentModel } from '../../server/documents/document-model';
import { buildResponseSheet, FIRST_ROW, METADATA_SHEET, readResponseSheet, type ResponseAnswer } from '../../server/documents/response-sheet.xlsx';
import { AppError, type FieldError } from '../../server/shared/errors';

type ItemSpec = Pick<DocumentItem, 'key' | 'type' | 'weight' | 'title' | 'text' | 'responseGuidance'> & Partial<DocumentItem>;

function buildItem(number: string, spec: ItemSpec): DocumentItem {
  return { number, version: spec.key.startsWith('T-') ? null : '1.0.0', fromLibrary: !spec.key.startsWith('T-'), kind: 'requirement', ...spec };
}

function buildModel(overrides: Partial<TenderDocumentModel> = {}): TenderDocumentModel {
  return {
    tenderId: '7d0c6a53-2f0e-4a4b-9d1e-5a3c2b1f0e9d',
    language: 'nb',
    title: 'Nytt fagsystem for barnevern – Tromsø og Bærum',
    reference: '2025/0412',
    revision: 2,
    isDraft: false,
    date: '2025-03-14',
    buyers: ['Tromsø kommune', 'Bærum kommune'],
    contact: { name: 'Åse Ødegård', email: 'ase.odegard@example.no' },
    deadline: '2025-04-30',
    description: 'Anskaffelse av fagsystem med krav til tilgang til egne data.',
    domain: null,
    sections: [
      {
        number: '1',
        title: 'Eksport og dataeierskap',
        items: [
          buildItem('1.1', {
            key: 'EXP-001',
            type: 'A',
            weight: null,
            title: 'Full eksport av alle fagdata',
            text: 'Kunden skal kunne eksportere alle fagdata, også kodelister og vedlegg, i åpne formater uten bistand fra leverandøren. Eksporten skal være fullstendig og dokumentert.',
            responseGuidance: 'Beskriv eksportfunksjonen, formatene og hvor lang tid en full eksport tar.',
          }),
          buildItem('1.2', {
            key: 'EXP-002',
            type: 'V',
            weight: 20,
            title: 'Eksport på forespørsel, innen fem virkedager',
            text: 'Leverandøren skal levere et fullt uttrekk innen fem virkedager etter forespørsel, uten ekstra kostnad for kunden.',
            responseGuidance: 'Oppgi leveringstid og eventuelle kostnader.',
          }),
          {
            number: '1.3',
            key: 'OWN-001',
            version: '1.0.0',
            fromLibrary: true,
            kind: 'clause',
            type: 'A',
            weight: null,
            title: 'Kunden eier sine data',
            text: 'Alle data kunden registrerer, eies av kunden. Denne klausulen skal ikke stå i svarskjemaet.',
            responseGuidance: '',
          },
        ],
      },
      {
        number: '2',
        title: 'API og overgang',
        items: [
          buildItem('2.1', {
            key: 'API-001',
            type: 'AV',
            weight: 10,
            title: 'Lese-API for alle fagdata',
            text: 'Løsningen skal ha et lese-API som gir tilgang til alle fagdata, med en maskinlesbar beskrivelse etter OpenAPI 3.',
            responseGuidance: 'Oppgi adressen til API-beskrivelsen og lever en dekningsmatrise.',
          }),
          buildItem('2.2', {
            key: 'T-001',
            type: 'A',
            weight: null,
            title: 'Sletting etter avtaleslutt – «bekreftet»',
            text: 'Leverandøren skal slette alle kundens data senest 90 dager etter avtalens slutt og bekrefte slettingen skriftlig.\nGjelder også sikkerhetskopier.',
            responseGuidance: 'Beskriv slettingen og bekreftelsen.',
          }),
          buildItem('2.3', {
            key: 'T-002',
            type: 'V',
            weight: 15,
            title: 'Overgangsplan ved leverandørbytte',
            text: 'Leverandøren skal levere en overgangsplan som viser hvordan data og dokumentasjon overføres til en ny leverandør.',
            responseGuidance: 'Legg ved et utkast til overgangsplan.',
          }),
          buildItem('2.4', {
            key: 'SEN-004',
            type: 'AV',
            weight: 5,
            title: 'Sanntidsdata fra sensorer på vann og avløp',
            text: 'Målinger fra sensorer skal være tilgjengelige for kunden i sanntid, med tidsstempel og måleenhet.',
            responseGuidance: 'Beskriv grensesnittet og forsinkelsen.',
          }),
        ],
      },
    ],
    ...overrides,
  };
}

const KEYS = ['EXP-001', 'EXP-002', 'API-001', 'T-001', 'T-002', 'SEN-004'];
const HEADER_ROW = FIRST_ROW - 1;
const COL = { key: 1, requirement: 2, type: 3, weight: 4, guidance: 5, answer: 6, explanation: 7, documentation: 8 };

async function load(file: Buffer): Promise<Workbook> {
  const workbook = new Workbook();
  await workbook.xlsx.load(file as unknown as Parameters<Workbook['xlsx']['load']>[0]);
  return workbook;
}

function answerSheet(workbook: Workbook): Worksheet {
  return workbook.worksheets.find((s) => s.name !== METADATA_SHEET) as Worksheet;
}

function text(cell: Cell): string {
  const value: CellValue = cell.value;
  if (value && typeof value === 'object' && 'richText' in value) return value.richText.map((r) => r.text).join('');
  return value === null || value === undefined ? '' : String(value);
}

function rowOf(sheet: Worksheet, key: string): number {
  for (let row = FIRST_ROW; row <= sheet.rowCount; row++) if (text(sheet.getCell(row, COL.key)) === key) return row;
  throw new Error(`no row for ${key}`);
}

async function edit(file: Buffer, change: (sheet: Worksheet, workbook: Workbook) => void): Promise<Buffer> {
  const workbook = await load(file);
  change(answerSheet(workbook), workbook);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

type Filled = Record<string, { answer: string; explanation?: string; documentation?: string }>;

function fill(file: Buffer, answers: Filled): Promise<Buffer> {
  return edit(file, (sheet) => {
    for (const [key, filled] of Object.entries(answers)) {
      const row = rowOf(sheet, key);
      sheet.getCell(row, COL.answer).value = filled.answer;
      sheet.getCell(row, COL.explanation).value = filled.explanation ?? '';
      sheet.getCell(row, COL.documentation).value = filled.documentation ?? '';
    }
  });
}

const allAnswered = (answer = 'Ja'): Filled => Object.fromEntries(KEYS.map((key) => [key, { answer, explanation: `Forklaring for ${key}: vi støtter dette fullt ut.`, documentation: `https://example.no/dok/${key}` }]));

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  const appError = error as AppError;
  expect(appError.code).toBe('tender.response_sheet_invalid');
  expect(appError.status).toBe(422);
  return appError;
}

const problem = (errors: FieldError[], path: string, pattern: RegExp) => expect(errors).toContainEqual({ path, message: expect.stringMatching(pattern) });

let sheetNb: Buffer;
let sheetEn: Buffer;
beforeAll(async () => {
  sheetNb = await buildResponseSheet(buildModel());
  sheetEn = await buildResponseSheet(buildModel({ language: 'en', title: 'New child welfare system' }));
});

describe('building the response sheet', () => {
  test.each<[DocumentLanguage, string[], string[]]>([
    ['nb', ['Nr.', 'Krav', 'Type', 'Vekt', 'Krav til besvarelse', 'Svar', 'Forklaring', 'Dokumentasjon'], ['Ja', 'Delvis', 'Nei']],
    ['en', ['Key', 'Requirement', 'Type', 'Weight', 'What to answer', 'Answer', 'Explanation', 'Documentation'], ['Yes', 'Partly', 'No']],
  ])('When the sheet is made in %s, then it has one row per requirement, in order, and no clauses', async (language, headings, answers) => {
    const workbook = await load(language === 'nb' ? sheetNb : sheetEn);
    const sheet = answerSheet(workbook);
    expect(sheet.name).toBe(language === 'nb' ? 'Svarskjema' : 'Response sheet');
    expect(text(sheet.getCell(1, 1))).toBe(language === 'nb' ? 'Nytt fagsystem for barnevern – Tromsø og Bærum' : 'New child welfare system');
    expect(text(sheet.getCell(2, 1))).toContain('2025/0412');
    expect(text(sheet.getCell(2, 1))).toContain(language === 'nb' ? 'Revisjon 2' : 'Revision 2');
    expect(Array.from({ length: 8 }, (_, i) => text(sheet.getCell(HEADER_ROW, i + 1)))).toEqual(headings);

    const keys: string[] = [];
    sheet.eachRow((row, n) => {
      if (n >= FIRST_ROW) keys.push(text(row.getCell(COL.key)));
    });
    expect(keys).toEqual(KEYS);
    const model = buildModel();
    const items = model.sections.flatMap((s) => s.items).filter((i) => i.kind === 'requirement');
    items.forEach((item, index) => {
      const row = FIRST_ROW + index;
      expect(text(sheet.getCell(row, COL.requirement))).toBe(`${item.number} ${item.title}\n${item.text}`);
      expect(text(sheet.getCell(row, COL.type))).toBe(item.type);
      expect(sheet.getCell(row, COL.weight).value ?? null).toBe(item.weight);
      expect(text(sheet.getCell(row, COL.guidance))).toBe(item.responseGuidance);
    });
    expect(text(sheet.getCell(rowOf(sheet, 'T-001'), COL.requirement))).toContain('Sletting etter avtaleslutt – «bekreftet»');
    sheet.eachRow((row) => expect(text(row.getCell(COL.key))).not.toBe('OWN-001'));

    const validation = sheet.getCell(FIRST_ROW, COL.answer).dataValidation;
    expect(validation).toMatchObject({ type: 'list', formulae: [`"${answers.join(',')}"`], showErrorMessage: true });
    expect(sheet.getCell(FIRST_ROW + KEYS.length - 1, COL.answer).dataValidation).toMatchObject({ type: 'list' });
  });

  test('When the sheet is opened, then only the answer columns can be edited, the header is frozen and filterable, and the texts wrap', async () => {
    const sheet = answerSheet(await load(sheetNb));
    // exceljs reads sheet protection but does not declare it.
    expect((sheet as Worksheet & { sheetProtection?: unknown }).sheetProtection).toMatchObject({ sheet: true, autoFilter: true });
    for (let row = FIRST_ROW; row < FIRST_ROW + KEYS.length; row++) {
      for (const column of [COL.key, COL.requirement, COL.type, COL.weight, COL.guidance]) expect(sheet.getCell(row, column).protection?.locked).not.toBe(false);
      for (const column of [COL.answer, COL.explanation, COL.documentation]) expect(sheet.getCell(row, column).protection?.locked).toBe(false);
      for (const column of [COL.requirement, COL.guidance, COL.explanation, COL.documentation]) expect(sheet.getCell(row, column).alignment?.wrapText).toBe(true);
    }
    expect(sheet.getCell(HEADER_ROW, COL.key).protection?.locked).not.toBe(false);
    expect(sheet.getCell(HEADER_ROW, COL.requirement).font?.bold).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: HEADER_ROW });
    expect(sheet.getColumn(COL.requirement).width).toBeGreaterThanOrEqual(50);
    expect(sheet.getColumn(COL.explanation).width).toBeGreaterThanOrEqual(40);
  });

  test('When the sheet is opened, then each requirement row is tall enough for its text and can still grow', async () => {
    const sheet = answerSheet(await load(sheetNb));
    for (let row = FIRST_ROW; row < FIRST_ROW + KEYS.length; row++) {
      const lines = text(sheet.getCell(row, COL.requirement)).split('\n').length;
      expect(sheet.getRow(row).height).toBeGreaterThanOrEqual(15 * Math.max(2, lines));
    }
    const xml = await (await JSZip.loadAsync(sheetNb)).file('xl/worksheets/sheet1.xml')?.async('string');
    const rows = [...(xml ?? '').matchAll(/<row r="(\d+)"[^>]*>/g)].filter((m) => Number(m[1]) >= FIRST_ROW);
    expect(rows).toHaveLength(KEYS.length);
    for (const [row] of rows) expect(row).not.toContain('customHeight');
  });

  test('When the sheet is made, then a very hidden metadata sheet records the tender, revision, language and a hash per row', async () => {
    const workbook = await load(sheetNb);
    const meta = workbook.getWorksheet(METADATA_SHEET) as Worksheet;
    expect(meta.state).toBe('veryHidden');
    const values = new Map<string, string>();
    meta.eachRow((row) => values.set(text(row.getCell(1)), text(row.getCell(2))));
    expect(values.get('tenderId')).toBe(buildModel().tenderId);
    expect(values.get('revision')).toBe('2');
    expect(values.get('language')).toBe('nb');
    for (const key of KEYS) expect(values.get(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(values.has('OWN-001')).toBe(false);
  });

  test('When the same revision is built twice, then the files are identical and dated from the model', async () => {
    const again = await buildResponseSheet(buildModel());
    expect(again.equals(sheetNb)).toBe(true);
    const workbook = await load(again);
    expect(workbook.created.toISOString()).toBe('2025-03-14T00:00:00.000Z');
    expect(workbook.modified.toISOString()).toBe('2025-03-14T00:00:00.000Z');
    const zip = await JSZip.loadAsync(again);
    zip.forEach((_path, entry) => expect(entry.date.toISOString()).toBe('2025-03-14T00:00:00.000Z'));
  });
});

describe('importing a filled response sheet', () => {
  test('When every requirement is answered, then the answers come back in the tender order', async () => {
    const filled = await fill(sheetNb, {
      'T-002': { answer: 'Nei', explanation: 'Ikke i dag; planlagt i 2026.', documentation: '' },
      'EXP-001': { answer: 'Ja', explanation: 'Full eksport til CSV og JSON, med kodelister.\nTar om lag to timer.', documentation: 'Vedlegg 3, side 4–7' },
      'EXP-002': { answer: 'Delvis', explanation: 'Innen ti virkedager.' },
      'API-001': { answer: 'Ja', explanation: 'REST-API med OpenAPI 3.1.', documentation: 'https://api.example.no/openapi.json' },
      'T-001': { answer: 'Ja', explanation: 'Sletting bekreftes av daglig leder – «skriftlig».' },
      'SEN-004': { answer: 'Nei', explanation: '' },
    });
    const answers = await readResponseSheet(filled, buildModel());
    expect(answers).toEqual<ResponseAnswer[]>([
      { key: 'EXP-001', answer: 'yes', explanation: 'Full eksport til CSV og JSON, med kodelister.\nTar om lag to timer.', documentation: 'Vedlegg 3, side 4–7' },
      { key: 'EXP-002', answer: 'partly', explanation: 'Innen ti virkedager.', documentation: '' },
      { key: 'API-001', answer: 'yes', explanation: 'REST-API med OpenAPI 3.1.', documentation: 'https://api.example.no/openapi.json' },
      { key: 'T-001', answer: 'yes', explanation: 'Sletting bekreftes av daglig leder – «skriftlig».', documentation: '' },
      { key: 'T-002', answer: 'no', explanation: 'Ikke i dag; planlagt i 2026.', documentation: '' },
      { key: 'SEN-004', answer: 'no', explanation: '', documentation: '' },
    ]);
  });

  test('When answers are written in either language, in any case, then they are accepted', async () => {
    const variants = [' yes ', 'PARTLY', 'no', 'ja', 'DeLvIs', 'NEI'];
    const filled = await fill(sheetEn, Object.fromEntries(KEYS.map((key, i) => [key, { answer: variants[i] as string }])));
    const answers = await readResponseSheet(filled, buildModel({ language: 'en', title: 'New child welfare system' }));
    expect(answers.map((a) => a.answer)).toEqual(['yes', 'partly', 'no', 'yes', 'partly', 'no']);
  });

  test('When a documentation cell holds a hyperlink, then its text and address are kept', async () => {
    const filled = await edit(await fill(sheetNb, allAnswered()), (sheet) => {
      sheet.getCell(rowOf(sheet, 'API-001'), COL.documentation).value = { text: 'API-beskrivelse', hyperlink: 'https://api.example.no/openapi.json' };
    });
    const answers = await readResponseSheet(filled, buildModel());
    expect(answers.find((a) => a.key === 'API-001')?.documentation).toBe('API-beskrivelse (https://api.example.no/openapi.json)');
  });

  test('When the file is not an xlsx workbook, then it is refused with a clear message', async () => {
    for (const file of [Buffer.from('Nr.;Krav;Svar\nEXP-001;Eksport;Ja\n'), Buffer.from('%PDF-1.7 not a sheet'), Buffer.alloc(0)]) {
      const error = await refusal(readResponseSheet(file, buildModel()));
      expect(error.errors).toEqual([{ path: 'file', message: expect.stringMatching(/not an Excel workbook/) }]);
    }
    const zip = new JSZip();
    zip.file('readme.txt', 'not a workbook');
    const error = await refusal(readResponseSheet(await zip.generateAsync({ type: 'nodebuffer' }), buildModel()));
    expect(error.errors).toEqual([{ path: 'file', message: expect.stringMatching(/not an Excel workbook/) }]);
  });

  test('When the metadata sheet was removed, then the import is refused', async () => {
    const filled = await edit(await fill(sheetNb, allAnswered()), (_sheet, workbook) => {
      workbook.removeWorksheet((workbook.getWorksheet(METADATA_SHEET) as Worksheet).id);
    });
    const error = await refusal(readResponseSheet(filled, buildModel()));
    expect(error.errors).toEqual([{ path: 'sheet', message: expect.stringMatching(/metadata sheet "Datakrav" is missing/) }]);
  });

  test('When the sheet belongs to another tender, then the import is refused without checking its rows', async () => {
    const other = await buildResponseSheet(buildModel({ tenderId: 'b1f7a0c2-0000-4000-8000-000000000000', reference: '2024/0099' }));
    const error = await refusal(readResponseSheet(await fill(other, allAnswered()), buildModel()));
    expect(error.errors).toEqual([{ path: 'sheet', message: expect.stringMatching(/another tender \(reference 2024\/0099\)/) }]);
  });

  test('When the sheet was made for another revision, then the import is refused and names both revisions', async () => {
    const filled = await fill(sheetNb, allAnswered());
    const error = await refusal(readResponseSheet(filled, buildModel({ revision: 3 })));
    problem(error.errors, 'sheet', /revision 2 .* revision 3/);
  });

  test('When the requirement text changed since the sheet was made, then the row says so rather than blaming the vendor', async () => {
    const draft = buildModel({ revision: 0, isDraft: true });
    const filled = await fill(await buildResponseSheet(draft), allAnswered());
    const changed = buildModel({ revision: 0, isDraft: true });
    const item = changed.sections[1]?.items[0] as DocumentItem;
    item.text = `${item.text} Endret i utkastet.`;
    const error = await refusal(readResponseSheet(filled, changed));
    expect(error.errors).toEqual([{ path: `row ${FIRST_ROW + 2}`, message: expect.stringMatching(/text of API-001 has changed since this sheet was made \(column B \(Krav\)\)/) }]);
  });

  test('When locked cells were edited, then each row and column is named', async () => {
    const filled = await edit(await fill(sheetNb, allAnswered()), (sheet) => {
      sheet.getCell(FIRST_ROW, COL.requirement).value = '1.1 Full eksport av noen fagdata';
      sheet.getCell(FIRST_ROW + 1, COL.weight).value = 40;
      sheet.getCell(FIRST_ROW + 3, COL.type).value = 'V';
      sheet.getCell(FIRST_ROW + 3, COL.guidance).value = 'Ikke nødvendig.';
    });
    const error = await refusal(readResponseSheet(filled, buildModel()));
    expect(error.errors).toHaveLength(3);
    problem(error.errors, `row ${FIRST_ROW}`, /EXP-001: the locked column B \(Krav\) was changed/);
    problem(error.errors, `row ${FIRST_ROW + 1}`, /EXP-002: the locked column D \(Vekt\) was changed/);
    problem(error.errors, `row ${FIRST_ROW + 3}`, /T-001: the locked column C \(Type\), column E \(Krav til besvarelse\) were changed/);
  });

  test('When a requirement row was deleted, then the missing requirement is named', async () => {
    const filled = await edit(await fill(sheetNb, allAnswered()), (sheet) => sheet.spliceRows(rowOf(sheet, 'T-001'), 1));
    const error = await refusal(readResponseSheet(filled, buildModel()));
    expect(error.errors).toEqual([{ path: 'sheet', message: expect.stringMatching(/row for requirement T-001 \(2\.2\) is missing/) }]);
  });

  test('When a row with an unknown key was added, then that row is named', async () => {
    const filled = await edit(await fill(sheetNb, allAnswered()), (sheet) => {
      sheet.getRow(FIRST_ROW + KEYS.length).values = ['XYZ-999', 'Et eget krav', 'A', null, '', 'Ja'];
    });
    const error = await refusal(readResponseSheet(filled, buildModel()));
    expect(error.errors).toEqual([{ path: `row ${FIRST_ROW + KEYS.length}`, message: expect.stringMatching(/Unknown requirement "XYZ-999"/) }]);
  });

  test('When a requirement appears twice, then the duplicate row is named with the first', async () => {
    const filled = await edit(await fill(sheetNb, allAnswered()), (sheet) => {
      const source = sheet.getRow(FIRST_ROW + 1);
      const copy = sheet.getRow(FIRST_ROW + KEYS.length);
      for (let column = 1; column <= 8; column++) copy.getCell(column).value = source.getCell(column).value;
    });
    const error = await refusal(readResponseSheet(filled, buildModel()));
    expect(error.errors).toEqual([{ path: `row ${FIRST_ROW + KEYS.length}`, message: expect.stringMatching(new RegExp(`EXP-002 appears more than once \\(also in row ${FIRST_ROW + 1}\\)`)) }]);
  });

  test('When an answer is not an allowed value or is missing, then the row is named', async () => {
    const filled = await fill(sheetNb, { ...allAnswered(), 'EXP-002': { answer: 'Kanskje' }, 'T-002': { answer: '' } });
    const error = await refusal(readResponseSheet(filled, buildModel()));
    expect(error.errors).toEqual([
      { path: `row ${FIRST_ROW + 1}`, message: expect.stringMatching(/answer "Kanskje" for EXP-002 .* is not one of Ja, Delvis, Nei/) },
      { path: `row ${FIRST_ROW + 4}`, message: expect.stringMatching(/No answer for T-002 in column F \(Svar\)/) },
    ]);
  });

  test('When an explanation is longer than 5000 characters, then the row is named', async () => {
    const filled = await fill(sheetNb, { ...allAnswered(), 'SEN-004': { answer: 'Ja', explanation: 'æ'.repeat(5001) } });
    const error = await refusal(readResponseSheet(filled, buildModel()));
    expect(error.errors).toEqual([{ path: `row ${FIRST_ROW + 5}`, message: expect.stringMatching(/explanation for SEN-004 .* has 5001 characters; at most 5000/) }]);
    const atLimit = await fill(sheetNb, { ...allAnswered(), 'SEN-004': { answer: 'Ja', explanation: 'æ'.repeat(5000) } });
    expect((await readResponseSheet(atLimit, buildModel()))[5]?.explanation).toHaveLength(5000);
  });

  test('When a sheet has several problems, then every one is listed and nothing is imported', async () => {
    const filled = await edit(await fill(sheetNb, { ...allAnswered(), 'EXP-001': { answer: 'Tja' }, 'T-002': { answer: '' } }), (sheet) => {
      sheet.getCell(FIRST_ROW + 2, COL.requirement).value = 'Endret krav';
      sheet.spliceRows(rowOf(sheet, 'SEN-004'), 1);
      sheet.getRow(FIRST_ROW + KEYS.length).values = ['NEW-001', 'Nytt', 'A', null, '', 'Ja'];
    });
    const error = await refusal(readResponseSheet(filled, buildModel({ revision: 3 })));
    expect(error.errors.map((e) => e.path)).toEqual(['sheet', `row ${FIRST_ROW}`, `row ${FIRST_ROW + 2}`, `row ${FIRST_ROW + 4}`, `row ${FIRST_ROW + 6}`, 'sheet']);
    problem(error.errors, 'sheet', /revision 2 of the tender/);
    problem(error.errors, `row ${FIRST_ROW}`, /"Tja"/);
    problem(error.errors, `row ${FIRST_ROW + 2}`, /API-001: the locked column B \(Krav\) was changed/);
    problem(error.errors, `row ${FIRST_ROW + 4}`, /No answer for T-002/);
    problem(error.errors, `row ${FIRST_ROW + 6}`, /Unknown requirement "NEW-001"/);
    problem(error.errors, 'sheet', /SEN-004 \(2\.4\) is missing/);
    expect(error.message).toMatch(/6 problems/);
  });

  test('When random answers are filled in, then the import returns exactly those answers', async () => {
    const model = buildModel();
    const label = { nb: { yes: 'Ja', partly: 'Delvis', no: 'Nei' }, en: { yes: 'Yes', partly: 'Partly', no: 'No' } };
    const free = fc
      .string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzæøåÆØÅ0123456789 .,;:-–«»"\'<>&/()?!\n'.split('')), maxLength: 80 })
      .map((s) => s.trim());
    const row = fc.record({ answer: fc.constantFrom<ResponseAnswer['answer']>('yes', 'partly', 'no'), language: fc.constantFrom<DocumentLanguage>('nb', 'en'), upper: fc.boolean(), explanation: free, documentation: free });
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: KEYS.length, maxLength: KEYS.length }), async (rows) => {
        const filled = await fill(
          sheetNb,
          Object.fromEntries(
            rows.map((r, i) => {
              const written = label[r.language][r.answer];
              return [KEYS[i] as string, { answer: r.upper ? written.toUpperCase() : written, explanation: r.explanation, documentation: r.documentation }];
            }),
          ),
        );
        const answers = await readResponseSheet(filled, model);
        expect(answers).toEqual(rows.map((r, i) => ({ key: KEYS[i], answer: r.answer, explanation: r.explanation, documentation: r.documentation })));
      }),
      { numRuns: 30 },
    );
  });
});
