import { diffWords } from 'diff';
import { CORE_SCHEMA, dump } from 'js-yaml';
import { LANGUAGES, type Language } from './library.codes';
import type { ItemContent, LocalisedText } from './library.schemas';
import { contentOf, parseSemver, rowToItemFile } from './library.sync';
import type { LibraryVersionRow } from './library.table';

export type BumpLevel = 'major' | 'minor' | 'patch';
const LOCALISED_FIELDS = ['title', 'text', 'rationale', 'responseGuidance'] as const;

/** The version number a publication gets after `current` (the first one when there is none). */
export function bumpVersion(current: string | null, level: BumpLevel): string {
  if (!current) return level === 'major' ? '1.0.0' : level === 'minor' ? '0.1.0' : '0.0.1';
  const { major, minor, patch } = parseSemver(current);
  if (level === 'major') return `${major + 1}.0.0`;
  if (level === 'minor') return `${major}.${minor + 1}.0`;
  return `${major}.${minor}.${patch + 1}`;
}

export type FieldDiff = {
  field: string;
  from: unknown;
  to: unknown;
  /** Word-level changes for texts, per language. */
  words?: Partial<Record<Language, { value: string; added: boolean; removed: boolean }[]>>;
};

/** The fields that differ between two versions of an item, texts also word by word. */
export function diffVersions(from: ItemContent & { status?: string }, to: ItemContent & { status?: string }): FieldDiff[] {
  const a = { ...contentOf(from), status: from.status } as Record<string, unknown>;
  const b = { ...contentOf(to), status: to.status } as Record<string, unknown>;
  const diffs: FieldDiff[] = [];
  for (const field of Object.keys(b)) {
    if (JSON.stringify(a[field]) === JSON.stringify(b[field])) continue;
    const entry: FieldDiff = { field, from: a[field] ?? null, to: b[field] ?? null };
    if ((LOCALISED_FIELDS as readonly string[]).includes(field)) {
      entry.words = {};
      for (const lang of LANGUAGES) {
        const before = (a[field] as LocalisedText | undefined)?.[lang] ?? '';
        const after = (b[field] as LocalisedText | undefined)?.[lang] ?? '';
        if (before !== after) entry.words[lang] = diffWords(before, after).map((part) => ({ value: part.value, added: Boolean(part.added), removed: Boolean(part.removed) }));
      }
    }
    diffs.push(entry);
  }
  return diffs;
}

export function toYaml(value: unknown): string {
  return dump(value, { schema: CORE_SCHEMA, lineWidth: 100, noRefs: true });
}

/** One YAML document per version, oldest first: the library's own file format. */
export function itemFileText(rows: LibraryVersionRow[]): string {
  return rows.map((row) => toYaml(Object.fromEntries(Object.entries(rowToItemFile(row)).filter(([field, value]) => !(field === 'checks' && Array.isArray(value) && value.length === 0))))).join('---\n');
}
