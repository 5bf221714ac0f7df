import type { AnswerRow, VerificationDecision } from './assessments.table';

/**
 * Where an answer stands with its reviewers: `verified` (accepted, not expired), `expired`
 * (accepted, but longer ago than the verification period), `rejected`, `change_requested`,
 * `changed` (revised after the newest review) or `unverified` (never reviewed).
 */
export const VERIFICATION_STATES = ['verified', 'unverified', 'expired', 'rejected', 'change_requested', 'changed'] as const;
export type VerificationState = (typeof VERIFICATION_STATES)[number];

export const QUEUE_REASONS = ['expired', 'changed', 'unverified'] as const;
export type QueueReason = (typeof QUEUE_REASONS)[number];
/** What the review queue holds unless asked for one reason: answers to review again, not those never reviewed. */
export const DEFAULT_QUEUE_REASONS: readonly QueueReason[] = ['expired', 'changed'];

/** The newest review of a thread, as the state needs it: `expiresAt` in epoch milliseconds. */
export type ThreadReview = { decision: VerificationDecision; expiresAt: number; ofCurrentAnswer: boolean };

/**
 * Where a thread stands: its newest review (`expiresAt` in epoch milliseconds) and whether that
 * review was of the current answer decide it, against the clock at `now`.
 */
export function reviewState(review: ThreadReview | null, now: number): VerificationState {
  if (!review) return 'unverified';
  if (!review.ofCurrentAnswer) return 'changed';
  if (review.decision === 'accepted') return review.expiresAt > now ? 'verified' : 'expired';
  return review.decision;
}

/** The state of a current answer, from its thread's newest review (of this answer or an earlier revision). */
export function verificationStateOf(answer: Pick<AnswerRow, 'id'>, latest: { answerId: string; decision: VerificationDecision; expiresAt: Date } | undefined, now: Date): VerificationState {
  return reviewState(latest ? { decision: latest.decision, expiresAt: latest.expiresAt.getTime(), ofCurrentAnswer: latest.answerId === answer.id } : null, now.getTime());
}

/** The vendor's valid-until date (`YYYY-MM-DD`) has passed `today`: the answer no longer counts. */
export const isLapsed = (validUntil: string | null, today: string): boolean => validUntil !== null && validUntil < today;

/** A moment moved by whole calendar months; the 31st becomes the last day of a shorter month. */
export function addMonths(moment: Date, months: number): Date {
  const target = new Date(moment.getTime());
  const day = target.getUTCDate();
  target.setUTCDate(1);
  target.setUTCMonth(target.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target;
}
