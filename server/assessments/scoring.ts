import type { RequirementType } from '../library/library.codes';
import type { AnswerStatus } from './assessments.table';

/**
 * How answers turn into scores and qualification. Pure functions: the service gathers the
 * answers and where their verification stands, these decide. The rule table is in CONTEXT.md.
 *
 * - Evaluated items are those of type V and AV. Their score value is meets 1, partly 0.5,
 *   does not meet 0. An unanswered item counts as 0: a product does not gain by leaving hard
 *   questions open. Not applicable leaves the item out of both sums.
 * - score = 100 × Σ(weight × value) / Σ(weight), over the evaluated items left in, rounded to
 *   one decimal. With no weight left (no evaluated items, all of them not applicable, or every
 *   weight 0) there is nothing to score, and the score is null rather than a made-up 0 or 100.
 * - Absolute items are those of type A and AV. Each one that does not pass is a finding with
 *   its reason; a finding either disqualifies or leaves the product open (not yet known).
 * - Two bases: `claimed` takes the vendor's word; `verified` counts an answer only when a
 *   reviewer accepted it and the acceptance and the answer are still valid.
 */

/** Where one answer stands with the council: what the verified basis, the matrix colour and the marker follow. */
export const VERDICTS = ['accepted', 'rejected', 'pending', 'expired', 'unanswered'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** Why an absolute item does not pass. */
export const ABSOLUTE_REASONS = ['unanswered', 'pending', 'rejected', 'expired', 'declared_partly', 'declared_no'] as const;
export type AbsoluteReason = (typeof ABSOLUTE_REASONS)[number];

/** qualified: every absolute item passes; open: none disqualifies but some are not known yet; disqualified: at least one fails. */
export const QUALIFICATIONS = ['qualified', 'open', 'disqualified'] as const;
export type Qualification = (typeof QUALIFICATIONS)[number];

export type Finding = { key: string; reason: AbsoluteReason; disqualifies: boolean };

export type ScoringItem = { key: string; type: RequirementType; weight: number; status: AnswerStatus | null };

export type Score = {
  /** 0-100 with one decimal, or null when no evaluated item carries weight. */
  score: number | null;
  qualification: Qualification;
  disqualified: boolean;
  /** Each absolute item that does not pass, in profile order, with its reason. */
  findings: Finding[];
  /** Absolute items that disqualify, whatever the reason, in profile order. */
  failingAbsolute: string[];
  /** Absolute items without any answer. Never an answered item. */
  unansweredAbsolute: string[];
  /** Absolute items answered but not yet reviewed, or changed or asked to change since. */
  pendingAbsolute: string[];
  /** Absolute items whose answer a reviewer rejected. */
  rejectedAbsolute: string[];
  /** Absolute items whose acceptance or the vendor's own valid-until date has passed. */
  expiredAbsolute: string[];
  /** Absolute items the vendor itself answered "partly" or "does not meet". */
  declaredAbsolute: string[];
  answered: number;
  total: number;
  /** Share of items answered, 0-100 with one decimal. */
  coverage: number;
};

export type ProductScore = {
  /** From the vendor's current answers, verified or not. */
  claimed: Score;
  /** From answers with a valid accepted verification only; see CONTEXT.md for every combination. */
  verified: Score;
  /** Share of items whose answer has a valid accepted verification, 0-100 with one decimal. */
  verifiedShare: number;
};

export const STATUS_VALUE: Record<Exclude<AnswerStatus, 'not_applicable'>, number> = { meets: 1, partly: 0.5, does_not_meet: 0 };

export const isEvaluated = (type: RequirementType): boolean => type === 'V' || type === 'AV';
export const isAbsolute = (type: RequirementType): boolean => type === 'A' || type === 'AV';

export function roundTo(value: number, decimals = 1): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

const share = (part: number, whole: number): number => (whole === 0 ? 0 : roundTo((100 * part) / whole));

const declared = (status: AnswerStatus | null): AbsoluteReason | null => (status === 'does_not_meet' ? 'declared_no' : status === 'partly' ? 'declared_partly' : null);

/** One item on one basis: the status it scores with, and the finding if it is absolute and does not pass. */
type Judged = { key: string; type: RequirementType; weight: number; status: AnswerStatus | null; finding: Omit<Finding, 'key'> | null };

/**
 * The claimed basis: the vendor's word. Declared "partly" or "does not meet" disqualifies; an
 * item without an answer, or whose answer lapsed (the vendor's own valid-until date passed), is open.
 */
export function claimedFinding(status: AnswerStatus | null, lapsed: boolean): Omit<Finding, 'key'> | null {
  if (status === null) return { reason: 'unanswered', disqualifies: false };
  if (lapsed) return { reason: 'expired', disqualifies: false };
  const own = declared(status);
  return own ? { reason: own, disqualifies: true } : null;
}

/**
 * The verified basis: what the council has confirmed. The vendor's own "partly" or "does not
 * meet" disqualifies whatever the review (no review can make it better); a rejected answer, an
 * expired acceptance and a lapsed answer disqualify; an answer not yet reviewed is open, and so is
 * an unanswered item. Only an accepted "meets" or "not applicable" passes.
 */
export function verifiedFinding(status: AnswerStatus | null, verdict: Verdict): Omit<Finding, 'key'> | null {
  if (status === null || verdict === 'unanswered') return { reason: 'unanswered', disqualifies: false };
  const own = declared(status);
  if (own) return { reason: own, disqualifies: true };
  if (verdict === 'rejected' || verdict === 'expired') return { reason: verdict, disqualifies: true };
  if (verdict === 'pending') return { reason: 'pending', disqualifies: false };
  return null;
}

function summarise(items: readonly Judged[]): Score {
  let weighted = 0;
  let weights = 0;
  let answered = 0;
  const findings: Finding[] = [];
  for (const item of items) {
    if (item.status !== null) answered += 1;
    if (isAbsolute(item.type) && item.finding) findings.push({ key: item.key, ...item.finding });
    if (!isEvaluated(item.type) || item.status === 'not_applicable') continue;
    const weight = Math.max(0, item.weight);
    weights += weight;
    weighted += weight * (item.status === null ? 0 : STATUS_VALUE[item.status]);
  }
  const keys = (test: (f: Finding) => boolean) => findings.filter(test).map((f) => f.key);
  const failingAbsolute = keys((f) => f.disqualifies);
  return {
    score: weights > 0 ? roundTo((100 * weighted) / weights) : null,
    qualification: failingAbsolute.length > 0 ? 'disqualified' : findings.length > 0 ? 'open' : 'qualified',
    disqualified: failingAbsolute.length > 0,
    findings,
    failingAbsolute,
    unansweredAbsolute: keys((f) => f.reason === 'unanswered'),
    pendingAbsolute: keys((f) => f.reason === 'pending'),
    rejectedAbsolute: keys((f) => f.reason === 'rejected'),
    expiredAbsolute: keys((f) => f.reason === 'expired'),
    declaredAbsolute: keys((f) => f.reason === 'declared_partly' || f.reason === 'declared_no'),
    answered,
    total: items.length,
    coverage: share(answered, items.length),
  };
}

/** The vendor's word alone: each item with the status it claims (null when unanswered). */
export function scoreItems(items: readonly ScoringItem[]): Score {
  return summarise(items.map((i) => ({ ...i, finding: claimedFinding(i.status, false) })));
}

/**
 * One requirement of one product: the current answer's status (null when unanswered), whether
 * the vendor's valid-until date has passed, and the council's verdict on it.
 */
export type ProductScoringItem = { key: string; type: RequirementType; weight: number; status: AnswerStatus | null; lapsed: boolean; verdict: Verdict };

export function scoreProduct(items: readonly ProductScoringItem[]): ProductScore {
  const claimed = summarise(items.map((i) => ({ key: i.key, type: i.type, weight: i.weight, status: i.lapsed ? null : i.status, finding: claimedFinding(i.status, i.lapsed) })));
  const verified = summarise(
    items.map((i) => ({ key: i.key, type: i.type, weight: i.weight, status: i.verdict === 'accepted' ? i.status : null, finding: verifiedFinding(i.status, i.verdict) })),
  );
  return { claimed, verified, verifiedShare: share(verified.answered, items.length) };
}

const QUALIFICATION_ORDER: Record<Qualification, number> = { qualified: 0, open: 1, disqualified: 2 };

/**
 * Ranking order: qualified products first, then open ones (not yet verified), then the
 * disqualified; within each, by the chosen score (a product without a score last), then by name
 * so equal scores keep a stable order. An open product never ranks above a qualified one.
 */
export function compareForRanking(basis: 'claimed' | 'verified') {
  return (a: { name: string; score: ProductScore }, b: { name: string; score: ProductScore }): number => {
    const sa = a.score[basis];
    const sb = b.score[basis];
    const qa = QUALIFICATION_ORDER[sa.qualification];
    const qb = QUALIFICATION_ORDER[sb.qualification];
    if (qa !== qb) return qa - qb;
    const va = sa.score ?? -1;
    const vb = sb.score ?? -1;
    if (va !== vb) return vb - va;
    return a.name.localeCompare(b.name, 'nb');
  };
}
