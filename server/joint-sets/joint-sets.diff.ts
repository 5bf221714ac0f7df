import { diffVersions, type FieldDiff } from '../library/library.versions';
import type { LibraryVersionRow } from '../library/library.table';
import type { RequirementType } from '../library/library.codes';
import type { ParameterValueMap } from '../library/library.codes';

/** An item of a revision as the diff compares it: where it sits and what it pins. */
export type DiffItem = { key: string; version: string; section: string; type: RequirementType; weight: number; parameterValues: ParameterValueMap };

export type Change<T> = { from: T; to: T };

export type RevisionDiff = {
  added: DiffItem[];
  removed: DiffItem[];
  /** Items pinned to another library version, with the library's own field diff. */
  versionChanged: { key: string; from: string; to: string; changes: FieldDiff[] }[];
  /** Items whose default type, weight, parameter values or section changed. */
  changed: { key: string; type?: Change<RequirementType>; weight?: Change<number>; parameterValues?: Change<ParameterValueMap>; section?: Change<string> }[];
  unchanged: number;
};

const same = (a: unknown, b: unknown) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, canonical(v)]));
  return value;
}

/**
 * What changed from one revision to another, item by item (items are the same when their library
 * key is). `versions` holds the library rows of every pinned version, keyed `KEY@version`.
 */
export function diffRevisions(from: DiffItem[], to: DiffItem[], versions: Map<string, LibraryVersionRow>): RevisionDiff {
  const before = new Map(from.map((i) => [i.key, i]));
  const after = new Map(to.map((i) => [i.key, i]));
  const diff: RevisionDiff = { added: [], removed: [], versionChanged: [], changed: [], unchanged: 0 };
  for (const item of to) if (!before.has(item.key)) diff.added.push(item);
  for (const item of from) if (!after.has(item.key)) diff.removed.push(item);
  for (const item of to) {
    const old = before.get(item.key);
    if (!old) continue;
    let touched = false;
    if (old.version !== item.version) {
      const a = versions.get(`${item.key}@${old.version}`);
      const b = versions.get(`${item.key}@${item.version}`);
      diff.versionChanged.push({ key: item.key, from: old.version, to: item.version, changes: a && b ? diffVersions(a, b) : [] });
      touched = true;
    }
    const change: RevisionDiff['changed'][number] = { key: item.key };
    if (old.type !== item.type) change.type = { from: old.type, to: item.type };
    if (old.weight !== item.weight) change.weight = { from: old.weight, to: item.weight };
    if (!same(old.parameterValues, item.parameterValues)) change.parameterValues = { from: old.parameterValues, to: item.parameterValues };
    if (old.section !== item.section) change.section = { from: old.section, to: item.section };
    if (Object.keys(change).length > 1) {
      diff.changed.push(change);
      touched = true;
    }
    if (!touched) diff.unchanged++;
  }
  return diff;
}

export function isEmptyDiff(diff: RevisionDiff): boolean {
  return diff.added.length + diff.removed.length + diff.versionChanged.length + diff.changed.length === 0;
}

/** The diff as the API and the pages show it: items briefly, library changes without word diffs. */
export function diffBody(from: number, to: number, diff: RevisionDiff) {
  const brief = (i: DiffItem) => ({ key: i.key, version: i.version, section: i.section });
  return {
    from,
    to,
    added: diff.added.map(brief),
    removed: diff.removed.map(brief),
    versionChanged: diff.versionChanged.map((v) => ({ key: v.key, from: v.from, to: v.to, changes: v.changes })),
    changed: diff.changed,
    unchanged: diff.unchanged,
  };
}
