import { createHash } from 'node:crypto';
import JSZip from 'jszip';
import { fromBuffer, type Entry } from 'yauzl';
import mammoth from 'mammoth';
import { buildContractAnnexDocx } from '../../server/documents/contract-annex.docx';
import type { DocumentItem, DocumentLanguage, TenderDocumentModel } from '../../server/documents/document-model';
import { buildSpecificationDocx } from '../../server/documents/specification.docx';
import { setZipEntryDates } from '../../server/documents/zip-entry-dates';

type ItemSpec = Pick<DocumentItem, 'number' | 'key' | 'title' | 'text'> & Partial<DocumentItem>;

function buildItem(spec: ItemSpec): DocumentItem {
  const fromLibrary = !spec.key.startsWith('T-');
  return { version: fromLibrary ? '1.0.0' : null, fromLibrary, kind: 'requirement', type: 'A', weight: null, responseGuidance: '', ...spec };
}

const TEXTS = {
  nb: {
    title: 'Nytt fagsystem for oppvekst – Bærum og Tromsø',
    description: 'Anskaffelsen gjelder en skyløsning for skole og barnehage, der kommunene skal beholde tilgangen til egne data.',
    sections: ['Eksport og dataformater', 'API og integrasjon', 'Personvern og sikkerhet'],
    export: 'Løsningen skal kunne eksportere alle fagdata i CSV, JSON og XML innen 30 dager, uten ekstra kostnad for kunden.',
    exportGuidance: 'Beskriv eksportfunksjonen og hvor lang tid en full eksport tar. Legg ved et eksempeluttrekk.',
    dataModel: 'Leverandøren skal dokumentere datamodellen med alle objekttyper, felt og relasjoner.\n\nDokumentasjonen skal holdes oppdatert ved hver ny versjon.',
    own: 'Løsningen skal støtte pålogging med ID-porten og tilgangsstyring etter roller som kommunen selv vedlikeholder.',
    clause: 'Leverandøren skal ved avtalens opphør bistå kunden med å overføre alle data til ny løsning i inntil 12 måneder.',
  },
  en: {
    title: 'New education system – Bærum and Tromsø',
    description: 'The procurement covers a cloud service for schools and kindergartens, in which the municipalities keep access to their own data.',
    sections: ['Export and data formats', 'API and integration', 'Privacy and security'],
    export: 'The solution shall export all business data as CSV, JSON and XML within 30 days, at no extra cost to the customer.',
    exportGuidance: 'Describe the export function and how long a full export takes. Attach a sample export.',
    dataModel: 'The supplier shall document the data model with every object type, field and relation.\n\nThe documentation shall be kept up to date with every new version.',
    own: 'The solution shall support login with ID-porten and role-based access that the municipality maintains itself.',
    clause: 'At the end of the contract the supplier shall help the customer move all data to a new solution for up to 12 months.',
  },
} as const;

function buildModel(language: DocumentLanguage, overrides: Partial<TenderDocumentModel> = {}): TenderDocumentModel {
  const t = TEXTS[language];
  return {
    tenderId: '5f0c2a8e-6c1b-4f7e-9a3d-2b1e0c9d8f7a',
    language,
    title: t.title,
    reference: 'BK-2025/014',
    revision: 2,
    isDraft: false,
    date: '2025-03-01',
    buyers: ['Bærum kommune', 'Tromsø kommune'],
    contact: { name: 'Kari Ødegård', email: 'kari.odegard@example.no' },
    deadline: '2025-04-15',
    description: t.description,
    domain: null,
    sections: [
      {
        number: '1',
        title: t.sections[0],
        items: [
          buildItem({ number: '1.1', key: 'EXP-001', version: '1.2.0', title: 'Full eksport av alle fagdata', text: t.export, responseGuidance: t.exportGuidance }),
          buildItem({ number: '1.2', key: 'DOC-002', version: '2.0.1', type: 'V', weight: 10, title: 'Dokumentert datamodell', text: t.dataModel }),
          buildItem({ number: '1.3', key: 'FMT-004', type: 'AV', weight: 8, title: 'Åpne formater for dokumenter', text: 'PDF/A-2 eller nyere, og originalformatet.' }),
        ],
      },
      {
        number: '2',
        title: t.sections[1],
        items: [
          buildItem({ number: '2.1', key: 'API-001', type: 'AV', weight: 15, title: 'Lese-API for alle fagdata', text: 'OpenAPI 3-beskrivelse av alle endepunkter.' }),
          buildItem({ number: '2.2', key: 'API-005', type: 'V', weight: 5, title: 'Hendelser ved endringer', text: 'Varsel om endringer gjennom hendelser.' }),
          buildItem({ number: '2.3', key: 'EXIT-002', kind: 'clause', title: 'Bistand ved avslutning', text: t.clause }),
        ],
      },
      {
        number: '3',
        title: t.sections[2],
        items: [
          buildItem({ number: '3.1', key: 'T-001', title: 'Særskilt tilgangsstyring', text: t.own }),
          buildItem({ number: '3.2', key: 'PRIV-003', type: 'V', weight: 6, title: 'Sletting etter lagringstid', text: 'Automatisk sletting når lagringstiden er ute.' }),
          buildItem({ number: '3.3', key: 'SEC-002', title: 'Logg over tilgang', text: 'All lesing og endring av personopplysninger logges.' }),
          buildItem({ number: '3.4', key: 'DATA-001', kind: 'clause', version: '1.1.0', title: 'Kunden eier dataene', text: 'Alle data kunden registrerer, tilhører kunden.' }),
          buildItem({ number: '3.5', key: 'T-002', kind: 'clause', title: 'Prisjustering én gang i året', text: 'Prisene kan justeres én gang per år.' }),
        ],
      },
    ],
    ...overrides,
  };
}

const REQUIREMENT_KEYS = ['EXP-001', 'DOC-002', 'FMT-004', 'API-001', 'API-005', 'T-001', 'PRIV-003', 'SEC-002'];
const CLAUSE_KEYS = ['EXIT-002', 'DATA-001', 'T-002'];

const HEADERS = {
  nb: ['Nr.', 'Krav-ID', 'Krav', 'Type', 'Vekt', 'Krav til besvarelse', 'Leverandørens svar', 'Dokumentasjon/referanse'],
  en: ['No.', 'Requirement ID', 'Requirement', 'Type', 'Weight', 'Required response', "Supplier's response", 'Documentation/reference'],
};

type Unpacked = { zip: JSZip; documentXml: string; text: string };

async function unpack(buffer: Buffer): Promise<Unpacked> {
  const zip = await JSZip.loadAsync(buffer);
  const documentXml = await (zip.file('word/document.xml') as JSZip.JSZipObject).async('string');
  const { value } = await mammoth.extractRawText({ buffer });
  return { zip, documentXml, text: value.replace(/\u200B/g, '') };
}

async function part(zip: JSZip, pattern: RegExp): Promise<string> {
  const files = zip.file(pattern);
  return (await Promise.all(files.map((file) => file.async('string')))).join('\n');
}

const ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'", '&amp;': '&' };

/** The text of the runs of a piece of WordprocessingML, without zero-width spaces. */
function runText(xml: string): string {
  return [...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)]
    .map((m) => (m[1] as string).replace(/&(lt|gt|quot|apos|amp);/g, (entity) => ENTITIES[entity] as string))
    .join('')
    .replace(/\u200B/g, '');
}

function tablesOf(xml: string): string[] {
  return xml.match(/<w:tbl>[\s\S]*?<\/w:tbl>/g) ?? [];
}

function rowsOf(table: string): string[] {
  return table.match(/<w:tr>[\s\S]*?<\/w:tr>/g) ?? [];
}

describe.each(['nb', 'en'] as const)('Word documents in %s', (language) => {
  let spec: Unpacked;
  let annex: Unpacked;

  beforeAll(async () => {
    const model = buildModel(language);
    spec = await unpack(await buildSpecificationDocx(model));
    annex = await unpack(await buildContractAnnexDocx(model));
  });

  test('When the specification is built, then each section has an 8-column table whose header row repeats and whose rows never split', () => {
    const requirementTables = tablesOf(spec.documentXml).filter((table) => (table.match(/<w:gridCol /g) ?? []).length === 8);
    expect(requirementTables).toHaveLength(3);
    const rowCounts = requirementTables.map((table) => rowsOf(table).length - 1);
    expect(rowCounts).toEqual([3, 2, 3]);
    for (const table of requirementTables) {
      const [header, ...rows] = rowsOf(table) as [string, ...string[]];
      expect(header).toContain('<w:tblHeader/>');
      expect(runText(header)).toBe(HEADERS[language].join(''));
      for (const row of [header, ...rows]) {
        expect(row).toContain('<w:cantSplit/>');
        expect(row.match(/<w:tc>/g)).toHaveLength(8);
      }
      for (const row of rows) expect(row).not.toContain('<w:tblHeader/>');
    }
  });

  test('When the specification is built, then it holds every requirement with its rendered text and no clause', () => {
    for (const key of REQUIREMENT_KEYS) expect(spec.text).toContain(key);
    for (const key of CLAUSE_KEYS) expect(spec.text).not.toContain(key);
    const t = TEXTS[language];
    expect(spec.text).toContain(t.export);
    expect(spec.text).toContain(t.exportGuidance);
    expect(spec.text).toContain(t.dataModel.split('\n\n')[1] as string);
    expect(spec.text).toContain('Full eksport av alle fagdata');
    expect(spec.text).toContain(`3 ${t.sections[2]}`);
    expect(spec.text).not.toContain(t.clause);
    expect(spec.text).toMatch(/æ/);
    expect(spec.text).toMatch(/ø/);
    expect(spec.text).toMatch(/å/);
    expect(spec.text).toContain('Åpne formater');
  });

  test('When the specification is built, then each row is numbered 1.1, 1.2, … with the library key and version in a column of their own, then type and weight', () => {
    const [first] = tablesOf(spec.documentXml).filter((table) => (table.match(/<w:gridCol /g) ?? []).length === 8);
    const cells = (row: string) => (row.match(/<w:tc>[\s\S]*?<\/w:tc>/g) ?? []).map(runText);
    const [, exportRow, dataModelRow] = rowsOf(first as string);
    expect(cells(exportRow as string).slice(0, 5)).toEqual(['1.1', 'EXP-001v1.2.0', expect.stringMatching(/^Full eksport/), 'A', '–']);
    expect(cells(dataModelRow as string).slice(0, 5)).toEqual(['1.2', 'DOC-002v2.0.1', expect.stringMatching(/^Dokumentert datamodell/), 'V', '10']);
    expect(cells(exportRow as string).slice(6)).toEqual(['', '']);
  });

  test('When the specification is built, then the library version under each key is a small grey note in a style of its own', async () => {
    const styles = await part(spec.zip, /^word\/styles\.xml$/);
    const muted = styles.match(/<w:style w:type="character" w:styleId="MutedText">[\s\S]*?<\/w:style>/)?.[0] ?? '';
    expect(muted).toContain('<w:color w:val="595959"/>');
    expect(muted).toContain('<w:sz w:val="16"/>');
    const versionRuns = [...spec.documentXml.matchAll(/<w:r>((?:(?!<\/w:r>)[\s\S])*?)<\/w:r>/g)].map((m) => m[1] as string).filter((run) => /<w:t[^>]*>v\d+\.\d+\.\d+<\/w:t>/.test(run));
    // Every library requirement has one; T-001 is written for the tender and has none.
    expect(versionRuns).toHaveLength(REQUIREMENT_KEYS.filter((key) => key !== 'T-001').length);
    for (const run of versionRuns) expect(run).toContain('<w:rStyle w:val="MutedText"/>');
  });

  test('When the specification is built, then it has the cover, a table of contents whose page numbers Word and LibreOffice fill, and the prose in its language', async () => {
    const settings = await (spec.zip.file('word/settings.xml') as JSZip.JSZipObject).async('string');
    expect(settings).toMatch(/<w:updateFields( w:val="(true|1)")?\/>/);
    // The contents list every main heading with a PAGEREF field to the heading's bookmark, which
    // LibreOffice fills as it lays out the pages and Word updates on open; no TOC field, which
    // LibreOffice would show as written.
    expect(spec.documentXml).not.toMatch(/<w:instrText[^>]*>TOC /);
    const references = [...spec.documentXml.matchAll(/<w:instrText[^>]*>PAGEREF (_Toc\d+) \\h<\/w:instrText>/g)].map((m) => m[1] as string);
    expect(references.length).toBeGreaterThanOrEqual(6);
    for (const bookmark of references) expect(spec.documentXml).toContain(`<w:bookmarkStart w:name="${bookmark}"`);
    // One entry per heading, in the order of the headings, each in Word's TOC style for its level,
    // and the bookmarks numbered from 1 in this document whatever else the process built before.
    const headings = [...spec.documentXml.matchAll(/<w:p><w:pPr><w:pStyle w:val="Heading1"\/>(?:(?!<\/w:p>)[\s\S])*?<\/w:p>/g)].map((m) => m[0]);
    expect(headings.map((h) => h.match(/<w:bookmarkStart w:name="(_Toc\d+)" w:id="(\d+)"\/>/)?.slice(1))).toEqual(headings.map((_h, i) => [`_Toc${i + 1}`, String(i + 1)]));
    expect(references).toEqual(headings.map((_h, i) => `_Toc${i + 1}`));
    const entries = [...spec.documentXml.matchAll(/<w:p><w:pPr><w:pStyle w:val="TOC1"\/>(?:(?!<\/w:p>)[\s\S])*?<\/w:p>/g)].map((m) => runText(m[0]));
    expect(entries).toEqual(headings.map(runText));
    expect(entries).toContain(`2 ${TEXTS[language].sections[1]}`);
    expect(await part(spec.zip, /^word\/styles\.xml$/)).toContain('w:styleId="TOC1"');
    if (language === 'nb') {
      expect(spec.text).toContain('Kundens kravspesifikasjon');
      expect(spec.text).toContain('Innhold');
      expect(spec.text).toContain('Instruksjoner til leverandøren');
      expect(spec.text).toContain('anskaffelsesloven § 4');
      expect(spec.text).toContain('vil bli avvist');
      expect(spec.text).toContain('summen av vektene, som er 44');
      expect(spec.text).toContain('Eget krav i denne anskaffelsen');
      expect(spec.text).toContain('Tilbudsfristen er 15. april 2025');
      expect(spec.text).toContain('Kari Ødegård (kari.odegard@example.no)');
      expect(spec.text).not.toContain("Supplier's response");
    } else {
      expect(spec.text).toContain("Customer's requirement specification");
      expect(spec.text).toContain('Contents');
      expect(spec.text).toContain('Instructions to suppliers');
      expect(spec.text).toContain('anskaffelsesloven § 4');
      expect(spec.text).toContain('will be rejected');
      expect(spec.text).toContain('sum of the weights, which is 44');
      expect(spec.text).toContain('Written for this tender');
      expect(spec.text).toContain('The tender deadline is 15 April 2025');
      expect(spec.text).not.toContain('Leverandørens svar');
    }
    expect(spec.text).toContain(TEXTS[language].description);
  });

  test('When the specification is built, then header and footer carry reference, revision and "page X of Y"', async () => {
    const headers = await part(spec.zip, /^word\/header\d+\.xml$/);
    const footers = await part(spec.zip, /^word\/footer\d+\.xml$/);
    const revision = language === 'nb' ? 'Revisjon 2' : 'Revision 2';
    expect(runText(headers)).toContain(`BK-2025/014 · ${revision}`);
    expect(runText(footers)).toContain(language === 'nb' ? 'Revisjon 2, 1. mars 2025 · generert fra Datakrav' : 'Revision 2, 1 March 2025 · generated from Datakrav');
    expect(footers).toMatch(/PAGE/);
    expect(footers).toMatch(/NUMPAGES/);
    expect(runText(footers)).toContain(language === 'nb' ? 'Side ' : 'Page ');
  });

  test('When the specification is built, then the traceability chapter lists every requirement with its library version', () => {
    const traceability = tablesOf(spec.documentXml).at(-1) as string;
    const rows = rowsOf(traceability).map(runText);
    expect(rows).toHaveLength(REQUIREMENT_KEYS.length + 1);
    expect(rows).toContain(language === 'nb' ? 'EXP-0011.1 Full eksport av alle fagdataDatakrav, versjon 1.2.0' : 'EXP-0011.1 Full eksport av alle fagdataDatakrav, version 1.2.0');
    expect(rows).toContain(language === 'nb' ? 'T-0013.1 Særskilt tilgangsstyringEget krav i denne anskaffelsen' : 'T-0013.1 Særskilt tilgangsstyringWritten for this tender');
  });

  test('When the documents are built, then docProps/core.xml has title, creator, keywords and the model date', async () => {
    for (const doc of [spec, annex]) {
      const core = await (doc.zip.file('docProps/core.xml') as JSZip.JSZipObject).async('string');
      expect(core).toMatch(new RegExp(`<dc:title>[^<]*${TEXTS[language].title}</dc:title>`));
      expect(core).toContain('<dc:creator>Datakrav</dc:creator>');
      expect(core).toMatch(/<cp:keywords>[^<]*BK-2025\/014[^<]*<\/cp:keywords>/);
      expect(core).toMatch(/<dc:description>[^<]+<\/dc:description>/);
      expect(core).toMatch(/<dc:subject>[^<]*SSA[^<]*<\/dc:subject>/);
      expect(core).toContain('<dcterms:created xsi:type="dcterms:W3CDTF">2025-03-01T00:00:00Z</dcterms:created>');
    }
  });

  test('When the contract annex is built, then it holds the clauses numbered 1 to 3 and no requirement', () => {
    for (const key of CLAUSE_KEYS) expect(annex.text).toContain(key);
    for (const key of REQUIREMENT_KEYS) expect(annex.text).not.toContain(key);
    expect(annex.text).toContain('1 Bistand ved avslutning');
    expect(annex.text).toContain('2 Kunden eier dataene');
    expect(annex.text).toContain('3 Prisjustering én gang i året');
    expect(annex.text).toContain(TEXTS[language].clause);
    expect(annex.text).not.toContain(TEXTS[language].export);
    if (language === 'nb') {
      expect(annex.text).toContain('Kontraktsklausuler');
      expect(annex.text).toContain('Statens standardavtaler (SSA)');
      expect(annex.text).toContain('går foran dem i den utstrekning partene har avtalt det');
      expect(annex.text).toContain('DATA-001 · Datakrav, versjon 1.1.0');
      expect(annex.text).toContain('T-002 · Egen klausul i denne anskaffelsen');
    } else {
      expect(annex.text).toContain('Contract clauses');
      expect(annex.text).toContain('standard contracts (SSA)');
      expect(annex.text).toContain('take precedence over them to the extent the parties have agreed');
      expect(annex.text).toContain('DATA-001 · Datakrav, version 1.1.0');
      expect(annex.text).toContain('T-002 · Written for this tender');
    }
  });

  test('When the contract annex is built, then its traceability table has a row per clause and its pages carry header and footer', async () => {
    const rows = rowsOf(tablesOf(annex.documentXml).at(-1) as string);
    expect(rows).toHaveLength(CLAUSE_KEYS.length + 1);
    expect(rows[0]).toContain('<w:tblHeader/>');
    expect(runText(rows[1] as string)).toContain('EXIT-0021 Bistand ved avslutning');
    const headers = await part(annex.zip, /^word\/header\d+\.xml$/);
    expect(runText(headers)).toContain('BK-2025/014');
  });

  test('When the same model is built twice, a while apart, then the documents are byte for byte the same', async () => {
    const model = buildModel(language);
    // Only the clock is moved on, past the two seconds a zip entry's time can tell apart, instead of waiting for it.
    jest.useFakeTimers({ doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] });
    try {
      for (const build of [buildSpecificationDocx, buildContractAnnexDocx]) {
        const first = await build(model);
        jest.setSystemTime(Date.now() + 2100);
        const second = await build(model);
        expect(createHash('sha256').update(second).digest('hex')).toBe(createHash('sha256').update(first).digest('hex'));
      }
    } finally {
      jest.useRealTimers();
    }
  });
});

/** The name and modification time of every entry, as an unzipping program reads them, in UTC. */
function entryDates(zip: Buffer): Promise<[string, string][]> {
  return new Promise((resolve, reject) => {
    fromBuffer(zip, { lazyEntries: true }, (error, file) => {
      if (error) return reject(error);
      const dates: [string, string][] = [];
      file.on('entry', (entry: Entry) => {
        dates.push([entry.fileName, entry.getLastModDate({ timezone: 'UTC' }).toISOString()]);
        file.readEntry();
      });
      file.on('end', () => resolve(dates));
      file.on('error', reject);
      file.readEntry();
    });
  });
}

describe('Drafts and edge cases', () => {
  test('When the documents are built, then every entry of the file is dated midnight of the model date', async () => {
    const model = buildModel('nb', { date: '2026-02-28' });
    for (const build of [buildSpecificationDocx, buildContractAnnexDocx]) {
      const dates = await entryDates(await build(model));
      expect(dates.map(([name]) => name)).toEqual(expect.arrayContaining(['word/document.xml', 'docProps/core.xml', '[Content_Types].xml']));
      expect(new Set(dates.map(([, date]) => date))).toEqual(new Set(['2026-02-28T00:00:00.000Z']));
    }
  });


  test('When a packed file is not laid out as the zip file expected, then dating its entries fails rather than leaving the time of packing', async () => {
    expect(() => setZipEntryDates(Buffer.from('PK\x03\x04 not a zip file at all'), '2025-03-01')).toThrow(/no end of central directory record/);
    const packed = await buildContractAnnexDocx(buildModel('en'));
    const end = packed.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    const moved = Buffer.from(packed);
    moved.writeUInt32LE(packed.readUInt32LE(end + 16) + 1, end + 16);
    expect(() => setZipEntryDates(moved, '2025-03-01')).toThrow(/no central directory header at byte/);
  });

  test('When the tender is a draft, then cover, header and footer say so instead of a revision number', async () => {
    const { zip, text } = await unpack(await buildSpecificationDocx(buildModel('nb', { isDraft: true, revision: 0 })));
    expect(text).toContain('UTKAST');
    expect(text).toContain('Dette er et utkast datert 1. mars 2025');
    expect(runText(await part(zip, /^word\/header\d+\.xml$/))).toContain('BK-2025/014 · Utkast');
    expect(runText(await part(zip, /^word\/footer\d+\.xml$/))).toContain('Utkast, 1. mars 2025 · generert fra Datakrav');
    const core = await (zip.file('docProps/core.xml') as JSZip.JSZipObject).async('string');
    expect(core).toContain('<cp:contentStatus>Utkast</cp:contentStatus>');
  });

  test('When texts hold markup characters and control characters, then the XML stays well-formed and the text is kept', async () => {
    const model = buildModel('en', { title: 'Data <export> & "exit" for Ås', contact: null, deadline: null, buyers: ['Ås kommune'] });
    const first = model.sections[0] as TenderDocumentModel['sections'][number];
    first.items = [buildItem({ number: '1.1', key: 'EXP-001', title: 'Tags <b> & bells', text: 'Line one\u0007\nline two\twith tab' })];
    const { documentXml, text, zip } = await unpack(await buildSpecificationDocx(model));
    expect(documentXml.includes('\u0007')).toBe(false);
    expect(text).toContain('Tags <b> & bells');
    expect(text).toContain('Line one');
    expect(text).toContain('line two with tab');
    expect(text).toContain('The contracting authority is Ås kommune.');
    expect(text).not.toContain('The tender deadline is');
    const core = await (zip.file('docProps/core.xml') as JSZip.JSZipObject).async('string');
    expect(core).toContain('Data &lt;export&gt; &amp; &quot;exit&quot; for Ås');
  });

  test('When the tender has no evaluated requirements and no clauses, then the documents say so', async () => {
    const model = buildModel('nb');
    model.sections = [{ number: '1', title: 'Eksport', items: [buildItem({ number: '1.1', key: 'EXP-001', title: 'Eksport', text: 'Alt kan eksporteres.' })] }];
    const spec = await unpack(await buildSpecificationDocx(model));
    expect(spec.text).toContain('Denne spesifikasjonen har ingen V- eller AV-krav');
    const annex = await unpack(await buildContractAnnexDocx(model));
    expect(annex.text).toContain('Anskaffelsen har ingen kontraktsklausuler.');
  });
});
