import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { CORE_SCHEMA, loadAll, load, YAMLException } from 'js-yaml';
import type { z } from 'zod';
import { analyseTemplate } from './clause-template';
import { itemFileSchema, packFileSchema, sourcesFileSchema, type ItemFile, type PackFile, type Source } from './library.schemas';
import { DOMAINS, LANGUAGES, THEME_COUNT, type Language } from './library.codes';

export type LibraryProblem = { file: string; path: string; message: string };

export class LibraryFilesError extends Error {
  constructor(readonly problems: LibraryProblem[]) {
    super(
      `The requirement library has ${problems.length} problem(s):\n` +
        problems.map((p) => `  ${p.file}${p.path ? ` at ${p.path}` : ''}: ${p.message}`).join('\n'),
    );
    this.name = 'LibraryFilesError';
  }
}

/** "line 3, column 7: bad indentation" from a js-yaml error. */
function yamlMessage(error: unknown): string {
  if (error instanceof YAMLException) return `line ${error.mark.line + 1}, column ${error.mark.column + 1}: ${error.reason}`;
  return (error as Error).message;
}

export type LoadedItem = { file: string; item: ItemFile };
export type LoadedPack = { file: string; pack: PackFile };
export type LoadedLibrary = { sources: Source[]; items: LoadedItem[]; packs: LoadedPack[] };

export const SOURCES_FILE = 'sources.yaml';
/** The folder of sector packs inside the library folder. */
export const PACKS_DIR = 'packs';
export const MIN_ITEMS_PER_THEME = 3;
export const MIN_ITEMS_PER_DOMAIN = 5;

function issuePath(issuePathParts: PropertyKey[]): string {
  return issuePathParts.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('').replace(/^\./, '');
}

export function zodProblems(file: string, error: z.ZodError, prefix = ''): LibraryProblem[] {
  return error.issues.map((issue) => ({ file, path: prefix + issuePath(issue.path), message: issue.message }));
}

/**
 * The texts of an item that are Handlebars templates, with their field path: every text a tender
 * document, page or export shows of the item, so a parameter value can appear in any of them.
 */
export function templateFields(item: Pick<ItemFile, 'title' | 'text' | 'responseGuidance' | 'evidence'> & { verification: Pick<ItemFile['verification'], 'text'> }): { path: string; text: string }[] {
  return LANGUAGES.flatMap((lang) => [
    { path: `title.${lang}`, text: item.title[lang] },
    { path: `text.${lang}`, text: item.text[lang] },
    { path: `responseGuidance.${lang}`, text: item.responseGuidance[lang] },
    { path: `verification.text.${lang}`, text: item.verification.text[lang] },
    ...item.evidence.map((evidence, i) => ({ path: `evidence[${i}].${lang}`, text: evidence[lang] })),
  ]);
}

/**
 * Rules that a schema cannot express: every template parses and uses only allowed constructs,
 * every parameter used is declared and every declared one is used, and every reference points
 * at a registered source.
 */
export function checkItemConsistency(item: ItemFile, sourceIds: ReadonlySet<string>, file: string, prefix = ''): LibraryProblem[] {
  const problems: LibraryProblem[] = [];
  const declared = new Set(item.parameters.map((p) => p.name));
  const used = new Set<string>();
  for (const field of templateFields(item)) {
    const analysis = analyseTemplate(field.text);
    for (const problem of analysis.problems) {
      problems.push({ file, path: prefix + field.path, message: `line ${problem.line}, column ${problem.column}: ${problem.message}` });
    }
    for (const name of analysis.parameters) {
      used.add(name);
      if (!declared.has(name)) problems.push({ file, path: prefix + field.path, message: `uses parameter "${name}", which is not declared` });
    }
  }
  item.parameters.forEach((p, i) => {
    if (!used.has(p.name)) problems.push({ file, path: `${prefix}parameters[${i}]`, message: `parameter "${p.name}" is declared but never used in a text` });
  });
  item.references.forEach((ref, i) => {
    if (!sourceIds.has(ref.source)) problems.push({ file, path: `${prefix}references[${i}].source`, message: `unknown source "${ref.source}"; register it in ${SOURCES_FILE}` });
  });
  return problems;
}

async function listYamlFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/**
 * The SHA-256 of every file a sync reads, with their paths relative to the folder: the same
 * files in another checkout hash the same, and a renamed, added or removed file changes it.
 */
export async function hashLibraryFiles(dir: string): Promise<string> {
  const hash = createHash('sha256');
  for (const absolute of await listYamlFiles(dir)) {
    const content = await readFile(absolute);
    hash.update(`${path.relative(dir, absolute).split(path.sep).join('/')}\0${content.length}\0`).update(content);
  }
  return hash.digest('hex');
}

const isPackFile = (relative: string) => relative.split(path.sep)[0] === PACKS_DIR;

function compareSemver(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}
export { compareSemver };

export function parseSources(text: string, file = SOURCES_FILE): Source[] {
  const problems: LibraryProblem[] = [];
  let raw: unknown;
  try {
    raw = load(text, { schema: CORE_SCHEMA, filename: file });
  } catch (error) {
    throw new LibraryFilesError([{ file, path: '', message: `not valid YAML: ${yamlMessage(error)}` }]);
  }
  const parsed = sourcesFileSchema.safeParse(raw);
  if (!parsed.success) throw new LibraryFilesError(zodProblems(file, parsed.error));
  const seen = new Set<string>();
  parsed.data.forEach((s, i) => {
    if (seen.has(s.id)) problems.push({ file, path: `[${i}].id`, message: `source id "${s.id}" is registered twice` });
    seen.add(s.id);
  });
  if (problems.length > 0) throw new LibraryFilesError(problems);
  return parsed.data;
}

/**
 * Parses one item file. A file holds one YAML document per version of the item, oldest first;
 * the shipped library has one version per file, an export writes the whole history.
 */
export function parseItemFile(text: string, file: string): { items: ItemFile[]; problems: LibraryProblem[] } {
  const problems: LibraryProblem[] = [];
  const items: ItemFile[] = [];
  let documents: unknown[];
  try {
    documents = loadAll(text, undefined, { schema: CORE_SCHEMA, filename: file });
  } catch (error) {
    return { items, problems: [{ file, path: '', message: `not valid YAML: ${yamlMessage(error)}` }] };
  }
  if (documents.length === 0) return { items, problems: [{ file, path: '', message: 'the file holds no YAML document' }] };
  documents.forEach((doc, index) => {
    const prefix = documents.length > 1 ? `document ${index + 1}: ` : '';
    const parsed = itemFileSchema.safeParse(doc);
    if (!parsed.success) {
      problems.push(...zodProblems(file, parsed.error, prefix));
      return;
    }
    items.push(parsed.data);
  });
  for (let i = 1; i < items.length; i++) {
    const prev = items[i - 1] as ItemFile;
    const cur = items[i] as ItemFile;
    if (cur.key !== prev.key) problems.push({ file, path: `document ${i + 1}: key`, message: `all versions in a file must have the same key (${prev.key})` });
    if (compareSemver(cur.version, prev.version) <= 0) problems.push({ file, path: `document ${i + 1}: version`, message: `versions must be in ascending order (${cur.version} after ${prev.version})` });
  }
  return { items, problems };
}

const NB_UNITS = ['', '', 'to', 'tre', 'fire', 'fem', 'seks', 'sju|syv', 'åtte', 'ni', 'ti', 'elleve', 'tolv', 'tretten', 'fjorten', 'femten', 'seksten', 'sytten', 'atten', 'nitten'];
const NB_TENS = ['', '', 'tjue|tyve', 'tretti|tredve', 'førti', 'femti', 'seksti', 'sytti', 'åtti', 'nitti'];
const EN_UNITS = ['', '', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const EN_TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const NB_ONE_IN_COMPOUNDS = 'en|én|ett';

/**
 * The ways a whole number from 2 to 100, or a round thousand, is written out in words. Zero and
 * one are left out: in both languages they are also the articles ("en", "one").
 */
export function numberWords(n: number, lang: Language): string[] {
  if (!Number.isInteger(n) || n < 2) return [];
  const split = (alternatives: string) => alternatives.split('|');
  if (n === 100) return lang === 'nb' ? ['hundre', 'ett hundre'] : ['hundred', 'one hundred', 'a hundred'];
  if (n === 1000) return lang === 'nb' ? ['tusen', 'ett tusen'] : ['thousand', 'one thousand', 'a thousand'];
  if (n > 100) return [];
  const units = lang === 'nb' ? NB_UNITS : EN_UNITS;
  const tens = lang === 'nb' ? NB_TENS : EN_TENS;
  if (n < 20) return split(units[n] as string);
  const ten = split(tens[Math.floor(n / 10)] as string);
  const unit = n % 10;
  if (unit === 0) return ten;
  const unitWords = unit === 1 ? (lang === 'nb' ? split(NB_ONE_IN_COMPOUNDS) : ['one']) : split(units[unit] as string);
  return ten.flatMap((t) => unitWords.flatMap((u) => (lang === 'nb' ? [`${t}${u}`, `${u} og ${t}`] : [`${t}-${u}`, `${t} ${u}`])));
}

/** The ways a number is written in digits: 30, 99.5 / 99,5, 10000 / 10 000 / 10,000. */
function numberDigits(n: number): string[] {
  const plain = String(n);
  const forms = new Set([plain, plain.replace('.', ',')]);
  if (Number.isInteger(n) && Math.abs(n) >= 1000) {
    const grouped = plain.replace(/\B(?=(\d{3})+(?!\d))/g, '\u0000');
    for (const separator of [' ', '\u00a0', '\u202f', ',', '.']) forms.add(grouped.replaceAll('\u0000', separator));
  }
  return [...forms];
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Where a text spells out the number `n`, ignoring template expressions and numbers alone in brackets such as "(1)". */
function spellsNumber(text: string, n: number, lang: Language): string | null {
  const plain = text.replace(/\{\{[^}]*\}\}/g, ' ');
  const digits = new RegExp(`(?<![\\p{N}.,])(?:${numberDigits(n).map(escapeRegExp).join('|')})(?![\\p{N}]|[.,]\\p{N})`, 'gu');
  for (const match of plain.matchAll(digits)) {
    const before = plain[(match.index ?? 0) - 1];
    const after = plain[(match.index ?? 0) + match[0].length];
    if (before === '(' && after === ')') continue;
    return match[0];
  }
  const words = numberWords(n, lang);
  if (words.length === 0) return null;
  const wordPattern = new RegExp(`(?<![\\p{L}\\p{N}-])(?:${words.map(escapeRegExp).join('|')})(?![\\p{L}\\p{N}-])`, 'iu');
  return plain.match(wordPattern)?.[0] ?? null;
}

/**
 * The texts a buyer reads as the tender's own terms (title, response guidance, how the item is
 * checked, the evidence asked for) state a parameter's value only through the parameter, so
 * they always show the value the tender chose and never contradict the clause text.
 */
export function checkParameterNumbers(item: Pick<ItemFile, 'title' | 'responseGuidance' | 'evidence' | 'parameters'> & { verification: Pick<ItemFile['verification'], 'text'> }, file: string, prefix = ''): LibraryProblem[] {
  const problems: LibraryProblem[] = [];
  const fields = LANGUAGES.flatMap((lang) => [
    { path: `title.${lang}`, text: item.title[lang], lang },
    { path: `responseGuidance.${lang}`, text: item.responseGuidance[lang], lang },
    { path: `verification.text.${lang}`, text: item.verification.text[lang], lang },
    ...item.evidence.map((evidence, i) => ({ path: `evidence[${i}].${lang}`, text: evidence[lang], lang })),
  ]);
  for (const parameter of item.parameters) {
    if (parameter.type !== 'integer' && parameter.type !== 'number') continue;
    for (const field of fields) {
      const found = spellsNumber(field.text, parameter.default, field.lang);
      if (found === null) continue;
      problems.push({ file, path: `${prefix}${field.path}`, message: `spells out "${found}", the default of parameter ${parameter.name}; write {{${parameter.name}}} instead` });
    }
  }
  return problems;
}

/**
 * Rules of the current format, applied to the newest version of every item (older versions
 * are history and stay as they were published): when the check happens, a clause's place in the
 * SSA agreements, section references in the format their source declares, and no parameter
 * value spelt out in the title, response guidance, verification or evidence.
 */
export function checkCurrentFormat(item: ItemFile, sources: ReadonlyMap<string, Source>, file: string, prefix = ''): LibraryProblem[] {
  const problems: LibraryProblem[] = [];
  if (!item.verification.phases) {
    problems.push({ file, path: `${prefix}verification.phases`, message: 'say when the check happens: one or more of tender, acceptance, operation' });
  }
  if (item.kind === 'clause' && !item.ssa) {
    problems.push({ file, path: `${prefix}ssa`, message: 'a clause needs its SSA alignment: the agreements, the annex it belongs in and its precedence over the general terms' });
  }
  item.ssa?.agreements.forEach((agreement, i) => {
    const source = sources.get(agreement);
    if (!source) problems.push({ file, path: `${prefix}ssa.agreements[${i}]`, message: `${agreement} is not registered in ${SOURCES_FILE}` });
    else if (source.kind !== 'contract-template') problems.push({ file, path: `${prefix}ssa.agreements[${i}]`, message: `${agreement} is registered as a ${source.kind}, not as a contract template` });
  });
  item.references.forEach((ref, i) => {
    const format = sources.get(ref.source)?.sectionFormat;
    if (format && !new RegExp(format.pattern, 'u').test(ref.section)) {
      problems.push({ file, path: `${prefix}references[${i}].section`, message: `"${ref.section}" does not follow the section format of ${ref.source}, for example "${format.example}"` });
    }
  });
  problems.push(...checkParameterNumbers(item, file, prefix));
  return problems;
}

export function parsePackFile(text: string, file: string): { pack: PackFile | null; problems: LibraryProblem[] } {
  let raw: unknown;
  try {
    raw = load(text, { schema: CORE_SCHEMA, filename: file });
  } catch (error) {
    return { pack: null, problems: [{ file, path: '', message: `not valid YAML: ${yamlMessage(error)}` }] };
  }
  const parsed = packFileSchema.safeParse(raw);
  if (!parsed.success) return { pack: null, problems: zodProblems(file, parsed.error) };
  const problems: LibraryProblem[] = [];
  if (path.basename(file) !== `${parsed.data.key}.yaml`) problems.push({ file, path: 'key', message: `the file of pack ${parsed.data.key} must be named ${parsed.data.key}.yaml` });
  return { pack: parsed.data, problems };
}

/** The newest version of every item in the files, by key. */
export function newestVersions(items: LoadedItem[]): Map<string, LoadedItem> {
  const newest = new Map<string, LoadedItem>();
  for (const loaded of items) {
    const current = newest.get(loaded.item.key);
    if (!current || compareSemver(loaded.item.version, current.item.version) > 0) newest.set(loaded.item.key, loaded);
  }
  return newest;
}

/** A pack names only published items that are written for the pack's domain. */
export function checkPack({ file, pack }: LoadedPack, newest: ReadonlyMap<string, LoadedItem>): LibraryProblem[] {
  const problems: LibraryProblem[] = [];
  pack.items.forEach((key, i) => {
    const item = newest.get(key)?.item;
    if (!item) problems.push({ file, path: `items[${i}]`, message: `no library item has the key ${key}` });
    else if (item.status !== 'published') problems.push({ file, path: `items[${i}]`, message: `${key} is ${item.status}; a pack holds published items only` });
    else if (!item.domains.includes(pack.domain)) problems.push({ file, path: `items[${i}]`, message: `${key} is not written for the domain ${pack.domain}; add the domain to the item or leave it out of the pack` });
  });
  return problems;
}

/**
 * What the shipped library as a whole must cover: every theme by at least three published
 * items, every domain by at least five published items written for it, and a section format
 * for every source. `validate` and `sync` of the library folder run it; a partial library (an
 * export of a selection, a joint-set package) is not held to it.
 */
export function checkLibraryCompleteness(library: LoadedLibrary): LibraryProblem[] {
  const problems: LibraryProblem[] = [];
  const published = [...newestVersions(library.items).values()].map((l) => l.item).filter((i) => i.status === 'published');
  for (let theme = 1; theme <= THEME_COUNT; theme++) {
    const keys = published.filter((i) => i.themes.includes(theme)).map((i) => i.key);
    if (keys.length < MIN_ITEMS_PER_THEME) {
      problems.push({ file: '(all items)', path: `themes`, message: `theme ${theme} is covered by ${keys.length} published item(s)${keys.length ? ` (${keys.join(', ')})` : ''}; each theme needs at least ${MIN_ITEMS_PER_THEME}` });
    }
  }
  for (const domain of DOMAINS.filter((d) => d !== 'all')) {
    const keys = published.filter((i) => i.domains.includes(domain)).map((i) => i.key);
    if (keys.length < MIN_ITEMS_PER_DOMAIN) {
      problems.push({ file: '(all items)', path: 'domains', message: `domain ${domain} has ${keys.length} published item(s) written for it${keys.length ? ` (${keys.join(', ')})` : ''}; each domain needs at least ${MIN_ITEMS_PER_DOMAIN}` });
    }
  }
  library.sources.forEach((source, i) => {
    if (!source.sectionFormat) problems.push({ file: SOURCES_FILE, path: `[${i}].sectionFormat`, message: `source ${source.id} declares no section format` });
  });
  return problems;
}

/** Reads and validates the whole library folder; throws with every problem found. */
export async function loadLibraryFiles(dir: string): Promise<LoadedLibrary> {
  const sources = parseSources(await readFile(path.join(dir, SOURCES_FILE), 'utf8'), SOURCES_FILE);
  const sourceIds = new Set(sources.map((s) => s.id));
  const sourcesById = new Map(sources.map((s) => [s.id, s]));
  const problems: LibraryProblem[] = [];
  const items: LoadedItem[] = [];
  const packs: LoadedPack[] = [];
  const keyFiles = new Map<string, string>();
  for (const absolute of await listYamlFiles(dir)) {
    const file = path.relative(dir, absolute);
    if (file === SOURCES_FILE) continue;
    if (isPackFile(file)) {
      const parsed = parsePackFile(await readFile(absolute, 'utf8'), file);
      problems.push(...parsed.problems);
      if (parsed.pack) packs.push({ file, pack: parsed.pack });
      continue;
    }
    const parsed = parseItemFile(await readFile(absolute, 'utf8'), file);
    problems.push(...parsed.problems);
    for (const item of parsed.items) {
      const prefix = parsed.items.length > 1 ? `version ${item.version}: ` : '';
      problems.push(...checkItemConsistency(item, sourceIds, file, prefix));
      const expectedName = `${item.key}.yaml`;
      if (path.basename(file) !== expectedName) problems.push({ file, path: 'key', message: `the file of ${item.key} must be named ${expectedName}` });
      items.push({ file, item });
    }
    const newest = parsed.items[parsed.items.length - 1];
    if (newest) problems.push(...checkCurrentFormat(newest, sourcesById, file, parsed.items.length > 1 ? `version ${newest.version}: ` : ''));
    if (newest && path.dirname(file) !== newest.category) problems.push({ file, path: 'category', message: `the file must be in the folder ${newest.category}/ (the category of its newest version)` });
    const key = parsed.items[0]?.key;
    if (key) {
      const other = keyFiles.get(key);
      if (other) problems.push({ file, path: 'key', message: `key ${key} is also used by ${other}` });
      keyFiles.set(key, file);
    }
  }
  const versionsPerFile = new Map<string, number>();
  for (const { file } of items) versionsPerFile.set(file, (versionsPerFile.get(file) ?? 0) + 1);
  for (const { file, item } of items) {
    const prefix = (versionsPerFile.get(file) ?? 0) > 1 ? `version ${item.version}: ` : '';
    for (const field of ['supersedes', 'replacedBy'] as const) {
      const target = item[field];
      if (target && !keyFiles.has(target)) problems.push({ file, path: `${prefix}${field}`, message: `no library item has the key ${target}` });
    }
  }
  const newest = newestVersions(items);
  const packKeys = new Map<string, string>();
  for (const loaded of packs) {
    problems.push(...checkPack(loaded, newest));
    const other = packKeys.get(loaded.pack.key);
    if (other) problems.push({ file: loaded.file, path: 'key', message: `pack ${loaded.pack.key} is also defined in ${other}` });
    packKeys.set(loaded.pack.key, loaded.file);
  }
  if (problems.length > 0) throw new LibraryFilesError(problems);
  return { sources, items, packs };
}
