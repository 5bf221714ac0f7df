import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { CORE_SCHEMA, loadAll, load, YAMLException } from 'js-yaml';
import type { z } from 'zod';
import { analyseTemplate } from './clause-template';
import { itemFileSchema, sourcesFileSchema, type ItemFile, type Source } from './library.schemas';
import { LANGUAGES } from './library.codes';

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
export type LoadedLibrary = { sources: Source[]; items: LoadedItem[] };

export const SOURCES_FILE = 'sources.yaml';

function issuePath(issuePathParts: PropertyKey[]): string {
  return issuePathParts.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('').replace(/^\./, '');
}

export function zodProblems(file: string, error: z.ZodError, prefix = ''): LibraryProblem[] {
  return error.issues.map((issue) => ({ file, path: prefix + issuePath(issue.path), message: issue.message }));
}

/** The texts of an item that are Handlebars templates, with their field path. */
export function templateFields(item: Pick<ItemFile, 'text' | 'responseGuidance'>): { path: string; text: string }[] {
  return LANGUAGES.flatMap((lang) => [
    { path: `text.${lang}`, text: item.text[lang] },
    { path: `responseGuidance.${lang}`, text: item.responseGuidance[lang] },
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
    .filter((f) => path.relative(dir, f) !== SOURCES_FILE)
    .sort();
}

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

/** Reads and validates the whole library folder; throws with every problem found. */
export async function loadLibraryFiles(dir: string): Promise<LoadedLibrary> {
  const sources = parseSources(await readFile(path.join(dir, SOURCES_FILE), 'utf8'), SOURCES_FILE);
  const sourceIds = new Set(sources.map((s) => s.id));
  const problems: LibraryProblem[] = [];
  const items: LoadedItem[] = [];
  const keyFiles = new Map<string, string>();
  for (const absolute of await listYamlFiles(dir)) {
    const file = path.relative(dir, absolute);
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
    if (newest && path.dirname(file) !== newest.category) problems.push({ file, path: 'category', message: `the file must be in the folder ${newest.category}/ (the category of its newest version)` });
    const key = parsed.items[0]?.key;
    if (key) {
      const other = keyFiles.get(key);
      if (other) problems.push({ file, path: 'key', message: `key ${key} is also used by ${other}` });
      keyFiles.set(key, file);
    }
  }
  if (problems.length > 0) throw new LibraryFilesError(problems);
  return { sources, items };
}
