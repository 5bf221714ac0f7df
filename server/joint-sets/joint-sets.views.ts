import { diffBody } from './joint-sets.diff';
import type { JointSetsService } from './joint-sets.service';

/** The diff as the pages show it: each changed field on its own row. */
export function diffView(from: number, to: number, diff: Parameters<typeof diffBody>[2]) {
  const body = diffBody(from, to, diff);
  return {
    ...body,
    changed: body.changed.map((c) => ({
      key: c.key,
      fields: (['type', 'weight', 'parameterValues', 'section'] as const)
        .filter((f) => c[f] !== undefined)
        .map((f) => ({ field: f, from: f === 'parameterValues' ? JSON.stringify(c[f]?.from) : String(c[f]?.from), to: f === 'parameterValues' ? JSON.stringify(c[f]?.to) : String(c[f]?.to) })),
    })),
    empty: body.added.length + body.removed.length + body.versionChanged.length + body.changed.length === 0,
  };
}

type Origin = Awaited<ReturnType<JointSetsService['origin']>>;

/** For the tender and profile pages: the joint set they started from, and a newer adopted revision's changes. */
export function jointSetOriginView(origin: Origin) {
  if (!origin) return null;
  return { setId: origin.set.id, title: origin.set.title, number: origin.revision.number, newer: origin.newer ? { to: origin.newer.to.number, diff: diffView(origin.revision.number, origin.newer.to.number, origin.newer.diff) } : null };
}
