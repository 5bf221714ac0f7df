import { createHash } from 'node:crypto';
import type { TenderDocumentModel } from '../documents/document-model';
import type { Language } from '../library/library.codes';
import type { Parameter } from '../library/library.schemas';
import type { Translator } from '../shared/i18n';
import { isSpecification, type ExportedRequirement, type KravbankBank, type KravbankCodelist, type KravbankExport, type KravbankFile, type KravbankNeed, type KravbankQuestion, type KravbankVariant } from './kravbank.format';

/**
 * Kravbank and Datakrav, mapped both ways. Pure: no database, no clock. The rules, and what
 * cannot be mapped, are in this feature's CONTEXT.md.
 */

/** Why a part of a Kravbank file was not carried over; each has a text in the locale files. */
export type NotMappedCode = 'info-variant' | 'products' | 'points' | 'not-chosen' | 'no-text' | 'nested-codes';
export type NotMapped = { path: string; code: NotMappedCode; name: string };

/** One variant of a Kravbank requirement, as Datakrav reads it. */
export type MappedRequirement = {
  path: string;
  /** The section it goes in: the need, with the needs above it. */
  section: string;
  requirementTitle: string;
  /** A library version the requirement came from, when the file was written by Datakrav. */
  libraryOrigin: { key: string; version: string } | null;
  /** The item a tender wrote itself (T-001), when the file was written by Datakrav. */
  tenderOrigin: string | null;
  type: 'A' | 'V';
  weight: number;
  /** In both languages: Kravbank texts are in one; the other gets the same words to be translated. */
  title: Record<Language, string>;
  text: Record<Language, string>;
  rationale: Record<Language, string>;
  responseGuidance: Record<Language, string>;
  parameters: Parameter[];
  evidence: Record<Language, string>[];
  verificationMethod: 'declaration' | 'document-review';
  verificationText: Record<Language, string>;
};

export type MappedBank = { title: string; version: number | null; requirements: MappedRequirement[]; sections: string[]; notMapped: NotMapped[] };

const both = (make: (lang: Language) => string): Record<Language, string> => ({ nb: make('nb'), en: make('en') });

/** Imported text never opens a template tag: `{{` would be read as a parameter by the clause renderer. */
const literal = (text: string) => text.replace(/\{\{/g, '{ {').replace(/\}\}/g, '} }');
/** Names inside «» of a library reference keep their own quotes out. */
const quoted = (text: string) => text.replace(/[«»]/g, '"').replace(/\s+/g, ' ').trim().slice(0, 300);

const DATAKRAV_LIBRARY = /^datakrav:([A-Z]{2,5}-[0-9]{3})@((?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*))$/;
const DATAKRAV_TENDER_ITEM = /^datakrav:(T-[0-9]{3,})$/;

/** Needs in document order, each titled with the needs above it ("Elevdata – Fravær"). */
function sectionTitles(needs: KravbankNeed[]): Map<string, string> {
  const byId = new Map(needs.map((n) => [n.id, n]));
  const titles = new Map<string, string>();
  const titleOf = (need: KravbankNeed, seen: Set<string>): string => {
    const cached = titles.get(need.id);
    if (cached) return cached;
    const parent = need.parent ? byId.get(need.parent) : undefined;
    const title = parent && !seen.has(parent.id) ? `${titleOf(parent, new Set([...seen, need.id]))} – ${need.title}` : need.title;
    titles.set(need.id, title);
    return title;
  };
  for (const need of needs) titleOf(need, new Set([need.id]));
  return titles;
}

/** A requirement all of whose questions only confirm is absolute (A); one that asks for something to score is weighted (V). */
function typeOf(questions: KravbankQuestion[]): 'A' | 'V' {
  const confirmsOnly = questions.every((q) => q.type === 'Q_CONFIRMATION' || (q.type === 'Q_CHECKBOX' && q.config?.preferedAlternative !== false && !q.config?.pointsNonPrefered));
  return confirmsOnly ? 'A' : 'V';
}

const hasPoints = (q: KravbankQuestion) => {
  const c = (q as { config?: Record<string, unknown> }).config ?? {};
  return ['pointsNonPrefered', 'pointsUnconfirmed', 'scoreValues', 'timeScores', 'dateScores'].some((k) => {
    const v = c[k];
    return Array.isArray(v) ? v.length > 0 : typeof v === 'number' && v !== 0;
  });
};

/** What the vendor must answer, from the variant's questions, in the translator's language. */
function questionGuidance(q: KravbankQuestion, codelists: Map<string, KravbankCodelist>, t: Translator): string {
  switch (q.type) {
    case 'Q_CHECKBOX':
    case 'Q_CONFIRMATION':
      return t('kravbank.guidance.confirm');
    case 'Q_TEXT':
      return q.config?.max ? t('kravbank.guidance.textMax', { max: q.config.max }) : t('kravbank.guidance.text');
    case 'Q_SLIDER':
      return `${t('kravbank.guidance.value', { min: q.config.min, max: q.config.max, unit: q.config.unit }).trim()}.`;
    case 'Q_CODELIST':
      return t('kravbank.guidance.codes', { list: codelists.get(q.config.codelist)?.title ?? q.config.codelist });
    case 'Q_FILEUPLOAD':
      return q.config?.fileEndings.length ? t('kravbank.guidance.fileTypes', { types: q.config.fileEndings.join(', ') }) : t('kravbank.guidance.file');
    case 'Q_PERIOD_DATE':
      return q.config?.isPeriod ? t('kravbank.guidance.period') : t('kravbank.guidance.date');
    case 'Q_TIME':
      return q.config?.isPeriod ? t('kravbank.guidance.timePeriod') : t('kravbank.guidance.time');
  }
}

/**
 * A choice parameter for each code list question: the codes are the values, the codes the buyer
 * made mandatory the default (or the first code). The text names the chosen codes through it.
 */
function codeParameters(questions: KravbankQuestion[], codelists: Map<string, KravbankCodelist>, path: string, notMapped: NotMapped[]): { parameters: Parameter[]; sentences: Record<Language, string>[] } {
  const parameters: Parameter[] = [];
  const sentences: Record<Language, string>[] = [];
  questions.forEach((q, i) => {
    if (q.type !== 'Q_CODELIST') return;
    const list = codelists.get(q.config.codelist);
    if (!list) return;
    if (list.codes.some((c) => c.parent)) notMapped.push({ path: `${path}.questions[${i}]`, code: 'nested-codes', name: list.title });
    const values = [...new Set(list.codes.map((c) => c.title.trim()).filter(Boolean))].slice(0, 200);
    if (values.length < 2) return;
    const byId = new Map(list.codes.map((c) => [c.id, c.title.trim()]));
    const mandatory = q.config.mandatoryCodes.map((id) => byId.get(id)).filter((v): v is string => Boolean(v));
    const name = parameters.length === 0 ? 'codes' : `codes${parameters.length + 1}`;
    parameters.push({ name, type: 'choices', label: { nb: list.title, en: list.title }, values, default: mandatory.length > 0 ? [...new Set(mandatory)] : [values[0] as string] });
    sentences.push(both((lang) => `${lang === 'nb' ? 'Kodeliste' : 'Code list'} «${quoted(list.title)}»: {{${name}}}.`));
  });
  return { parameters, sentences };
}

/**
 * Reads a Kravbank file: every requirement variant of a bank, or the variants a specification
 * chose (with their weights). `texts` gives the wording Datakrav adds (guidance from the
 * questions, the rationale's lead) in each language.
 */
export function mapKravbankFile(file: KravbankFile, texts: Record<Language, Translator>): MappedBank {
  const bank: KravbankBank = isSpecification(file) ? file.bank : file;
  const chosen = isSpecification(file) ? new Map(file.requirementAnswers.map((a) => [a.variantId, a.weight])) : null;
  const sections = sectionTitles(bank.needs);
  const codelists = new Map(bank.codelist.map((c) => [c.id, c]));
  const notMapped: NotMapped[] = [];
  const requirements: MappedRequirement[] = [];
  if (bank.products.length > 0) notMapped.push({ path: 'products', code: 'products', name: bank.products.map((p) => p.title).join(', ') });

  bank.needs.forEach((need, n) => {
    need.requirements.forEach((requirement, r) => {
      const requirementVariants = requirement.variants.filter((v) => v.type === 'requirement');
      requirement.variants.forEach((variant: KravbankVariant, v) => {
        const path = `needs[${n}].requirements[${r}].variants[${v}]`;
        const name = `${requirement.title}${variant.description ? ` (${variant.description})` : ''}`;
        if (variant.type === 'info') return void notMapped.push({ path, code: 'info-variant', name });
        if (chosen && !chosen.has(variant.id)) return void notMapped.push({ path, code: 'not-chosen', name });
        const body = variant.requirementText || requirement.description || variant.description;
        if (!body) return void notMapped.push({ path, code: 'no-text', name });
        if (variant.products.length > 0 || variant.useProduct) notMapped.push({ path: `${path}.products`, code: 'products', name });
        if (variant.questions.some(hasPoints)) notMapped.push({ path: `${path}.questions`, code: 'points', name });

        const { parameters, sentences } = codeParameters(variant.questions, codelists, path, notMapped);
        const weight = chosen?.get(variant.id) ?? 0;
        const type = chosen && weight > 0 ? 'V' : typeOf(variant.questions);
        const origin = requirement.sourceOriginal ?? variant.questions[0]?.sourceOriginal ?? '';
        const library = DATAKRAV_LIBRARY.exec(origin);
        const own = DATAKRAV_TENDER_ITEM.exec(origin);
        const title = requirementVariants.length > 1 && variant.description ? `${requirement.title}: ${variant.description}` : requirement.title;
        // A file Datakrav wrote carries the whole response guidance as the instruction already.
        const writtenByDatakrav = origin.startsWith('datakrav:') && variant.instruction !== '';
        const guidance = (lang: Language) => (writtenByDatakrav ? variant.instruction : [variant.instruction, ...variant.questions.map((q) => questionGuidance(q, codelists, texts[lang]))].filter(Boolean).join(' '));
        const section = sections.get(need.id) ?? need.title;
        requirements.push({
          path,
          section,
          requirementTitle: requirement.title,
          libraryOrigin: library ? { key: library[1] as string, version: library[2] as string } : null,
          tenderOrigin: own ? (own[1] as string) : null,
          type,
          weight: type === 'V' ? Math.min(100, Math.max(1, Math.round(weight || 10))) : 0,
          title: both(() => literal(title).slice(0, 300)),
          text: both((lang) => [literal(body), ...sentences.map((s) => s[lang])].join('\n\n')),
          rationale: both((lang) => literal(requirement.description || need.description) || texts[lang]('kravbank.rationale', { need: section })),
          responseGuidance: both((lang) => literal(guidance(lang)) || texts[lang]('kravbank.guidance.confirm')),
          parameters,
          evidence: variant.questions.some((q) => q.type === 'Q_FILEUPLOAD')
            ? variant.questions.filter((q) => q.type === 'Q_FILEUPLOAD').map((q) => both((lang) => questionGuidance(q, codelists, texts[lang])))
            : [both((lang) => texts[lang]('kravbank.evidence'))],
          verificationMethod: variant.questions.some((q) => q.type === 'Q_FILEUPLOAD') ? 'document-review' : 'declaration',
          verificationText: both((lang) => texts[lang]('kravbank.verification')),
        });
      });
    });
  });
  return { title: bank.title, version: bank.version ?? null, requirements, sections: [...new Set(requirements.map((r) => r.section))], notMapped };
}

/** The library reference of an imported item: the bank and the requirement it came from. */
export function kravbankSection(bankTitle: string, requirementTitle: string): string {
  return `Bank «${quoted(bankTitle)}», krav «${quoted(requirementTitle)}»`;
}

const NAMESPACE = Buffer.from('6f1d6a52c2a94b7e9f4f3b2e1d0c9a87', 'hex');

/** An RFC 9562 version 5 UUID: the same name always gives the same id, so a revision always exports the same file. */
export function uuidFor(name: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(name).digest();
  hash[6] = ((hash[6] as number) & 0x0f) | 0x50;
  hash[8] = ((hash[8] as number) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * A tender's requirement set as a Kravbank specification: each section a need, each item a
 * requirement with one variant holding the rendered text and the response guidance. An absolute
 * (A) item asks for a confirmation; a weighted one (V, AV) for a description, with its weight.
 * Each requirement names the library version (or the tender's own key) it came from, so
 * importing the file again into Datakrav finds the same items.
 */
export function tenderToKravbank(model: TenderDocumentModel, organisationNumber: string | null): KravbankExport {
  const seed = `${model.tenderId}:${model.revision}`;
  const answers: KravbankExport['requirementAnswers'] = [];
  const needs = model.sections.map((section) => {
    const needId = uuidFor(`${seed}:need:${section.number}`);
    const requirements = section.items.map((item): ExportedRequirement => {
      const requirementId = uuidFor(`${seed}:requirement:${item.key}`);
      const variantId = uuidFor(`${seed}:variant:${item.key}`);
      const questionId = uuidFor(`${seed}:question:${item.key}`);
      const origin = item.fromLibrary && item.version ? `datakrav:${item.key}@${item.version}` : `datakrav:${item.key}`;
      const question =
        item.type === 'A'
          ? { id: questionId, type: 'Q_CONFIRMATION', config: { defaultPoint: 1, pointsUnconfirmed: 0 }, answer: { value: false, point: 0 }, sourceOriginal: origin, sourceRel: null }
          : { id: questionId, type: 'Q_TEXT', config: { defaultPoint: 1, max: 10_000 }, answer: { text: '', point: 0 }, sourceOriginal: origin, sourceRel: null };
      const requirement: ExportedRequirement = {
        id: requirementId,
        title: item.title,
        description: '',
        needId,
        type: 'requirement',
        sourceOriginal: origin,
        sourceRel: null,
        variants: [{ id: variantId, description: '', requirementText: item.text, instruction: item.responseGuidance, useProduct: false, useSpesification: true, useQualification: false, products: [], type: 'requirement', questions: [question] }],
      };
      answers.push({ id: uuidFor(`${seed}:answer:${item.key}`), questionId, weight: item.weight ?? 0, variantId, type: 'requirementAnswer', question, requirement });
      return requirement;
    });
    return { id: needId, title: section.title, description: '', type: 'need' as const, parent: '', sourceOriginal: null, sourceRel: null, requirements };
  });
  return {
    id: uuidFor(`${seed}:specification`),
    title: model.title,
    organization: model.buyers[0] ?? '',
    organizationNumber: organisationNumber ?? '',
    products: [],
    requirements: answers.map((a) => a.variantId),
    requirementAnswers: answers,
    bank: {
      id: uuidFor(`${seed}:bank`),
      title: model.title,
      description: model.description,
      type: 'bank',
      version: model.revision,
      publishedDate: model.isDraft ? null : model.date,
      needs,
      codelist: [],
      products: [],
      publications: [],
      inheritedBanks: [],
      projectId: null,
      deletedDate: null,
      sourceOriginal: `datakrav:tender:${model.reference}`,
      sourceRel: null,
    },
  };
}

