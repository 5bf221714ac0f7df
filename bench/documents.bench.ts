/**
 * Word document generation: the requirement specification for a 300-item tender, against the
 * time the docx library itself needs to pack the same document.
 */
import { Packer } from 'docx';
import type { DocumentItem, RequirementType, TenderDocumentModel } from '../server/documents/document-model';
import { buildSpecificationDocx, createSpecificationDocument } from '../server/documents/specification.docx';

const ITEMS = 300;
const SECTIONS = 12;
const RUNS = 15;

const TEXT_SENTENCES = [
  'Løsningen skal kunne eksportere alle fagdata i åpne, maskinlesbare formater som CSV, JSON og XML.',
  'Eksporten skal omfatte metadata, vedlegg, kodelister og historikk, slik at dataene kan leses inn i en annen løsning.',
  'Kunden skal kunne starte eksporten selv, uten å bestille den hos leverandøren og uten ekstra kostnad.',
  'Leverandøren skal dokumentere datamodellen med alle objekttyper, felt og relasjoner, på norsk eller engelsk.',
  'Dokumentasjonen skal holdes oppdatert ved hver ny versjon av løsningen og være tilgjengelig for kunden.',
];
const GUIDANCE_SENTENCES = [
  'Beskriv hvordan løsningen oppfyller kravet, og oppgi hvilke formater som støttes.',
  'Legg ved et eksempeluttrekk og dokumentasjon av datamodellen.',
  'Oppgi hvor lang tid en full eksport tar for en kommune med 100 000 innbyggere.',
];
const TYPES: RequirementType[] = ['A', 'V', 'AV'];

/** Sentences from the list, in turn from `start`, until the text is about `length` characters. */
function prose(sentences: string[], start: number, length: number): string {
  const parts: string[] = [];
  for (let i = start; parts.join(' ').length < length; i++) parts.push(sentences[i % sentences.length] as string);
  return parts.join(' ');
}

export function syntheticModel(): TenderDocumentModel {
  const perSection = ITEMS / SECTIONS;
  return {
    tenderId: '00000000-0000-4000-8000-000000000300',
    language: 'nb',
    title: 'Nytt sak- og arkivsystem for seks kommuner',
    reference: 'BENCH-2025/300',
    revision: 4,
    isDraft: false,
    date: '2025-06-01',
    buyers: ['Bergen kommune', 'Stavanger kommune', 'Trondheim kommune'],
    contact: { name: 'Ola Nordmann', email: 'ola.nordmann@bergen.kommune.no' },
    deadline: '2025-08-15',
    description: 'Felles anskaffelse med krav om tilgang til egne data og exit uten innlåsing.',
    domain: 'Sak og arkiv',
    sections: Array.from({ length: SECTIONS }, (_, s) => ({
      number: String(s + 1),
      title: `Kravområde ${s + 1}: eksport, API og dokumentasjon`,
      items: Array.from({ length: perSection }, (_, i): DocumentItem => {
        const n = s * perSection + i;
        const type = TYPES[n % TYPES.length] as RequirementType;
        const fromLibrary = n % 10 !== 0;
        return {
          number: `${s + 1}.${i + 1}`,
          key: fromLibrary ? `EXP-${String(n + 1).padStart(3, '0')}` : `T-${String(n + 1).padStart(3, '0')}`,
          version: fromLibrary ? `1.${n % 4}.0` : null,
          fromLibrary,
          kind: 'requirement',
          type,
          weight: type === 'A' ? null : 5 + (n % 11),
          title: `Eksport av fagdata, del ${n + 1}`,
          text: prose(TEXT_SENTENCES, n, 400),
          responseGuidance: prose(GUIDANCE_SENTENCES, n, 200),
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

export async function benchDocuments(): Promise<string[]> {
  const model = syntheticModel();
  await buildSpecificationDocx(model);

  // The floor is the same document, already built from the model, packed by docx alone: it
  // leaves out everything Datakrav does (templates, prose, cells, styles) and keeps what the
  // library must do anyway (formatting every element as XML and zipping). The two are measured
  // in turn, run by run, so both see the same heap. A docx Document may change while it is
  // packed, so each floor run packs a document of its own, built before its timer starts.
  const full: number[] = [];
  const floor: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    let started = performance.now();
    await buildSpecificationDocx(model);
    full.push(performance.now() - started);
    const { document } = await createSpecificationDocument(model);
    started = performance.now();
    await Packer.toBuffer(document);
    floor.push(performance.now() - started);
  }

  const fullMedian = median(full);
  const floorMedian = median(floor);
  return [
    `Specification DOCX, ${ITEMS} items (model → file): median ${fullMedian.toFixed(0)} ms; docx pack floor: median ${floorMedian.toFixed(0)} ms; ratio ${(fullMedian / floorMedian).toFixed(2)}`,
  ];
}
