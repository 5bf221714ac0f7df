import type { RequirementType } from '../library/library.codes';
import type { AnswerStatus } from './assessments.table';

/**
 * How answers turn into scores. Pure functions: the service gathers the answers, these decide.
 *
 * - Evaluated items are those of type V and AV. Their score value is meets 1, partly 0.5,
 *   does not meet 0. An unanswered item counts as 0: a product does not gain by leaving hard
 *   questions open. Not applicable leaves the item out of both sums.
 * - score = 100 × Σ(weight × value) / Σ(weight), over the evaluated items left in, rounded to
 *   one decimal. With no weight left (no evaluated items, all of them not applicable, or every
 *   weight 0) there is nothing to score, and the score is null rather than a made-up 0 or 100.
 * - Absolute items are those of type A and AV. An absolute item answered "does not meet" or
 *   "partly" disqualifies the product and is listed; an unanswered absolute item does not
 *   disqualify (nothing is known yet) but is listed as open.
 * - Coverage is the share of the profile's items answered, not applicable included.
 */

export type ScoringItem = { key: string; type: RequirementType; weight: number; status: AnswerStatus | null };

export type Score = {
  /** 0-100 with one decimal, or null when no evaluated item carries weight. */
  score: number | null;
  disqualified: boolean;
  /** Absolute items answered "does not meet" or "partly", in profile order. */
  failingAbsolute: string[];
  /** Absolute items without an answer, in profile order. */
  unansweredAbsolute: string[];
  answered: number;
  total: number;
  /** Share of items answered, 0-100 with one decimal. */
  coverage: number;
};

export type ProductScore = {
  /** From the vendor's current answers, verified or not. */
  claimed: Score;
  /** From answers with a valid accepted verification only; every other answer counts as missing. */
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

export function scoreItems(items: readonly ScoringItem[]): Score {
  let weighted = 0;
  let weights = 0;
  let answered = 0;
  const failingAbsolute: string[] = [];
  const unansweredAbsolute: string[] = [];
  for (const item of items) {
    if (item.status !== null) answered += 1;
    if (isAbsolute(item.type)) {
      if (item.status === 'does_not_meet' || item.status === 'partly') failingAbsolute.push(item.key);
      else if (item.status === null) unansweredAbsolute.push(item.key);
    }
    if (!isEvaluated(item.type) || item.status === 'not_applicable') continue;
    const weight = Math.max(0, item.weight);
    weights += weight;
    weighted += weight * (item.status === null ? 0 : STATUS_VALUE[item.status]);
  }
  return {
    score: weights > 0 ? roundTo((100 * weighted) / weights) : null,
    disqualified: failingAbsolute.length > 0,
    failingAbsolute,
    unansweredAbsolute,
    answered,
    total: items.length,
    coverage: share(answered, items.length),
  };
}

export type ProductScoringItem = { key: string; type: RequirementType; weight: number; claimed: AnswerStatus | null; verified: AnswerStatus | null };

export function scoreProduct(items: readonly ProductScoringItem[]): ProductScore {
  const claimed = scoreItems(items.map((i) => ({ key: i.key, type: i.type, weight: i.weight, status: i.claimed })));
  const verified = scoreItems(items.map((i) => ({ key: i.key, type: i.type, weight: i.weight, status: i.verified })));
  return { claimed, verified, verifiedShare: share(verified.answered, items.length) };
}

/**
 * Ranking order: qualified products before disqualified ones, then by the chosen score (a
 * product without a score last), then by name so equal scores keep a stable order.
 */
export function compareForRanking(basis: 'claimed' | 'verified') {
  return (a: { name: string; score: ProductScore }, b: { name: string; score: ProductScore }): number => {
    const sa = a.score[basis];
    const sb = b.score[basis];
    if (sa.disqualified !== sb.disqualified) return sa.disqualified ? 1 : -1;
    const va = sa.score ?? -1;
    const vb = sb.score ?? -1;
    if (va !== vb) return vb - va;
    return a.name.localeCompare(b.name, 'nb');
  };
}
