/**
 * Word document generation beside its floor: the requirement specification of a tender of 300
 * requirements and the contract annex of a tender of 300 clauses, in both languages, each against
 * the time the docx library itself needs to pack the same document. Target: median at most 1.3
 * times the floor.
 */
import { loadavg } from 'node:os';
import { Packer, type Document } from 'docx';
import { buildContractAnnexDocx, createContractAnnexDocument } from '../server/documents/contract-annex.docx';
import type { DocumentItem, DocumentLanguage, RequirementType, TenderDocumentModel } from '../server/documents/document-model';
import { buildSpecificationDocx, createSpecificationDocument } from '../server/documents/specification.docx';

const ITEMS = 300;
const SECTIONS = 12;
const RUNS = 20;
const WARM_UP = 2;
const TARGET_RATIO = 1.3;

const TEXT: Record<DocumentLanguage, { text: string[]; guidance: string[]; title: string; section: string; item: string; buyers: string[] }> = {
  nb: {
    text: [
      'Løsningen skal kunne eksportere alle fagdata i åpne, maskinlesbare formater som CSV, JSON og XML.',
      'Eksporten skal omfatte metadata, vedlegg, kodelister og historikk, slik at dataene kan leses inn i en annen løsning.',
      'Kunden skal kunne starte eksporten selv, uten å bestille den hos leverandøren og uten ekstra kostnad.',
      'Leverandøren skal dokumentere datamodellen med alle objekttyper, felt og relasjoner, på norsk eller engelsk.',
      'Dokumentasjonen skal holdes oppdatert ved hver ny versjon av løsningen og være tilgjengelig for kunden.',
    ],
    guidance: [
      'Beskriv hvordan løsningen oppfyller kravet, og oppgi hvilke formater som støttes.',
      'Legg ved et eksempeluttrekk og dokumentasjon av datamodellen.',
      'Oppgi hvor lang tid en full eksport tar for en kommune med 100 000 innbyggere.',
    ],
    title: 'Nytt sak- og arkivsystem for seks kommuner',
    section: 'Kravområde {n}: eksport, API og dokumentasjon',
    item: 'Eksport av fagdata, del {n}',
    buyers: ['Bergen kommune', 'Stavanger kommune', 'Trondheim kommune'],
  },
  en: {
    text: [
      'The solution shall export all business data in open, machine-readable formats such as CSV, JSON and XML.',
      'The export shall include metadata, attachments, code lists and history, so that the data can be read into another solution.',
      'The customer shall be able to start the export itself, without ordering it from the supplier and at no extra cost.',
      'The supplier shall document the data model with every object type, field and relation, in Norwegian or English.',
      'The documentation shall be kept up to date with every new version of the solution and be available to the customer.',
    ],
    guidance: [
      'Describe how the solution meets the requirement, and state which formats are supported.',
      'Attach a sample export and the documentation of the data model.',
      'State how long a full export takes for a municipality of 100,000 inhabitants.',
    ],
    title: 'New case and records management system for six municipalities',
    section: 'Requirement area {n}: export, API and documentation',
    item: 'Export of business data, part {n}',
    buyers: ['Bergen kommune', 'Stavanger kommune', 'Trondheim kommune'],
  },
};
const TYPES: RequirementType[] = ['A', 'V', 'AV'];

/** Sentences from the list, in turn from `start`, until the text is about `length` characters. */
function prose(sentences: string[], start: number, length: number): string {
  const parts: string[] = [];
  for (let i = start; parts.join(' ').length < length; i++) parts.push(sentences[i % sentences.length] as string);
  return parts.join(' ');
}

/** A tender of 300 items of one kind in twelve sections, its texts in the language given. */
export function syntheticModel(language: DocumentLanguage = 'nb', kind: DocumentItem['kind'] = 'requirement'): TenderDocumentModel {
  const texts = TEXT[language];
  const perSection = ITEMS / SECTIONS;
  return {
    tenderId: '00000000-0000-4000-8000-000000000300',
    language,
    title: texts.title,
    reference: 'BENCH-2025/300',
    revision: 4,
    isDraft: false,
    date: '2025-06-01',
    buyers: texts.buyers,
    contact: { name: 'Ola Nordmann', email: 'ola.nordmann@bergen.kommune.no' },
    deadline: '2025-08-15',
    description: prose(texts.text, 0, 100),
    domain: 'Sak og arkiv',
    sections: Array.from({ length: SECTIONS }, (_, s) => ({
      number: String(s + 1),
      title: texts.section.replace('{n}', String(s + 1)),
      items: Array.from({ length: perSection }, (_, i): DocumentItem => {
        const n = s * perSection + i;
        const type = TYPES[n % TYPES.length] as RequirementType;
        const fromLibrary = n % 10 !== 0;
        return {
          number: `${s + 1}.${i + 1}`,
          key: fromLibrary ? `EXP-${String(n + 1).padStart(3, '0')}` : `T-${String(n + 1).padStart(3, '0')}`,
          version: fromLibrary ? `1.${n % 4}.0` : null,
          fromLibrary,
          kind,
          type,
          weight: type === 'A' ? null : 5 + (n % 11),
          title: texts.item.replace('{n}', String(n + 1)),
          text: prose(texts.text, n, 400),
          responseGuidance: kind === 'requirement' ? prose(texts.guidance, n, 200) : '',
        };
      }),
    })),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export type FloorResult = { full: number; floor: number; fullCpu: number; floorCpu: number };

/** Wall-clock and CPU milliseconds (this process, all its threads) of one call. */
async function measure(work: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await work();
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { wall, cpu: (used.user + used.system) / 1000 };
}

/**
 * The full build and its floor, measured in turn run by run, each run starting with the other
 * than the one before, so that both see the same heap, the same warm code and the same load.
 * The first runs only warm up. CPU time is reported beside the wall clock: on a shared machine
 * the wall clock also counts the time the process waited for a core.
 */
export async function againstFloor(full: () => Promise<unknown>, floor: () => Promise<() => Promise<unknown>>): Promise<FloorResult> {
  const times = { full: [] as number[], floor: [] as number[], fullCpu: [] as number[], floorCpu: [] as number[] };
  const measureFloor = async () => measure(await floor());
  for (let run = 0; run < WARM_UP + RUNS; run++) {
    let fullTime: { wall: number; cpu: number };
    let floorTime: { wall: number; cpu: number };
    if (run % 2 === 0) {
      fullTime = await measure(full);
      floorTime = await measureFloor();
    } else {
      floorTime = await measureFloor();
      fullTime = await measure(full);
    }
    if (run < WARM_UP) continue;
    times.full.push(fullTime.wall);
    times.floor.push(floorTime.wall);
    times.fullCpu.push(fullTime.cpu);
    times.floorCpu.push(floorTime.cpu);
  }
  return { full: median(times.full), floor: median(times.floor), fullCpu: median(times.fullCpu), floorCpu: median(times.floorCpu) };
}

export function floorLine(what: string, result: FloorResult, floorName: string): string {
  const ratio = result.full / result.floor;
  return (
    `${what}: median ${result.full.toFixed(0)} ms; ${floorName}: median ${result.floor.toFixed(0)} ms; ratio ${ratio.toFixed(2)} — target ≤ ${TARGET_RATIO}: ${ratio <= TARGET_RATIO ? 'met' : 'NOT met'}` +
    ` (CPU time: ${result.fullCpu.toFixed(0)} ms / ${result.floorCpu.toFixed(0)} ms, ratio ${(result.fullCpu / result.floorCpu).toFixed(2)})`
  );
}

type WordDocument = {
  name: string;
  kind: DocumentItem['kind'];
  build: (model: TenderDocumentModel) => Promise<Buffer>;
  create: (model: TenderDocumentModel) => Promise<{ document: Document }>;
};

const DOCUMENTS: WordDocument[] = [
  { name: 'Specification DOCX, 300 requirements', kind: 'requirement', build: buildSpecificationDocx, create: createSpecificationDocument },
  { name: 'Contract annex DOCX, 300 clauses', kind: 'clause', build: buildContractAnnexDocx, create: createContractAnnexDocument },
];

export async function benchDocuments(): Promise<string[]> {
  const lines = [`Word documents beside the docx Packer floor (${RUNS} runs each, measured in turn; load average ${loadavg()[0]?.toFixed(1)} at the start):`];
  for (const document of DOCUMENTS) {
    for (const language of ['nb', 'en'] as const) {
      const model = syntheticModel(language, document.kind);
      // The floor is the same document, already built from the model, packed by docx alone: it
      // leaves out everything Datakrav does (templates, prose, cells, styles, fixed dates) and
      // keeps what the library must do anyway (formatting every element as XML and zipping). A
      // docx Document may change while it is packed, so each floor run packs a document of its
      // own, built before its timer starts.
      const result = await againstFloor(
        () => document.build(model),
        async () => {
          const built = await document.create(model);
          return () => Packer.toBuffer(built.document);
        },
      );
      lines.push(`  ${floorLine(`${document.name}, ${language} (model → file)`, result, 'docx Packer floor')}`);
    }
  }
  return lines;
}
