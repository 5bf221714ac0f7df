import fc from 'fast-check';
import type { AnswerStatus } from '../../server/assessments/assessments.table';
import { compareForRanking, roundTo, scoreItems, scoreProduct, verifiedFinding, type ProductScoringItem, type ScoringItem, type Verdict } from '../../server/assessments/scoring';
import type { RequirementType } from '../../server/library/library.codes';

const item = (key: string, type: RequirementType, weight: number, status: AnswerStatus | null): ScoringItem => ({ key, type, weight, status });

describe('the score formula', () => {
  test('When evaluated items are met, partly met and not met, then the score is the weighted mean of 1, 0.5 and 0', () => {
    const score = scoreItems([item('V-1', 'V', 50, 'meets'), item('V-2', 'V', 30, 'partly'), item('V-3', 'V', 20, 'does_not_meet')]);
    // (50×1 + 30×0.5 + 20×0) / 100 = 0.65
    expect(score.score).toBe(65);
    expect(score.disqualified).toBe(false);
  });

  test('When weights do not sum to 100, then the score is still relative to their sum', () => {
    expect(scoreItems([item('V-1', 'V', 3, 'meets'), item('V-2', 'AV', 1, 'does_not_meet')]).score).toBe(75);
  });

  test('When an evaluated item is unanswered, then it counts as 0; when it is not applicable, it is left out', () => {
    expect(scoreItems([item('V-1', 'V', 50, 'meets'), item('V-2', 'V', 50, null)]).score).toBe(50);
    expect(scoreItems([item('V-1', 'V', 50, 'meets'), item('V-2', 'V', 50, 'not_applicable')]).score).toBe(100);
  });

  test('When every evaluated item is not applicable, has weight 0, or there are none, then there is no score', () => {
    expect(scoreItems([item('V-1', 'V', 50, 'not_applicable'), item('V-2', 'AV', 50, 'not_applicable')]).score).toBeNull();
    expect(scoreItems([item('V-1', 'V', 0, 'meets'), item('V-2', 'V', 0, 'does_not_meet')]).score).toBeNull();
    expect(scoreItems([item('A-1', 'A', 10, 'meets')]).score).toBeNull();
    expect(scoreItems([])).toEqual({
      score: null,
      qualification: 'qualified',
      disqualified: false,
      findings: [],
      failingAbsolute: [],
      unansweredAbsolute: [],
      pendingAbsolute: [],
      rejectedAbsolute: [],
      expiredAbsolute: [],
      declaredAbsolute: [],
      answered: 0,
      total: 0,
      coverage: 0,
    });
  });

  test('When an A item carries a weight, then it does not count in the score', () => {
    expect(scoreItems([item('A-1', 'A', 90, 'does_not_meet'), item('V-1', 'V', 10, 'meets')]).score).toBe(100);
  });

  test('When the exact score has more decimals, then it is rounded to one decimal', () => {
    // 100 × 1 / 3 = 33.333…
    expect(scoreItems([item('V-1', 'V', 1, 'meets'), item('V-2', 'V', 1, null), item('V-3', 'V', 1, 'does_not_meet')]).score).toBe(33.3);
    // 100 × 2 / 3 = 66.666…
    expect(scoreItems([item('V-1', 'V', 1, 'meets'), item('V-2', 'V', 1, 'meets'), item('V-3', 'V', 1, null)]).score).toBe(66.7);
    expect(roundTo(12.25)).toBe(12.3);
  });

  test('When an A or AV item is not met or only partly met, then the product is disqualified with those keys listed; unanswered ones are listed as open', () => {
    const score = scoreItems([item('A-1', 'A', 0, 'does_not_meet'), item('A-2', 'A', 0, 'meets'), item('AV-1', 'AV', 10, 'partly'), item('A-3', 'A', 0, null), item('A-4', 'A', 0, 'not_applicable'), item('V-1', 'V', 10, 'does_not_meet')]);
    expect(score.disqualified).toBe(true);
    expect(score.failingAbsolute).toEqual(['A-1', 'AV-1']);
    expect(score.unansweredAbsolute).toEqual(['A-3']);
  });

  test('When some items are answered, then coverage is the share answered, not applicable included', () => {
    const score = scoreItems([item('A-1', 'A', 0, 'meets'), item('V-1', 'V', 10, 'not_applicable'), item('V-2', 'V', 10, null)]);
    expect({ answered: score.answered, total: score.total, coverage: score.coverage }).toEqual({ answered: 2, total: 3, coverage: 66.7 });
  });

  test('When only some answers are verified, then the verified score counts the rest as unanswered and the verified share says how many', () => {
    const score = scoreProduct([
      { key: 'V-1', type: 'V', weight: 50, status: 'meets', lapsed: false, verdict: 'accepted' },
      { key: 'V-2', type: 'V', weight: 50, status: 'meets', lapsed: false, verdict: 'pending' },
      { key: 'A-1', type: 'A', weight: 0, status: 'meets', lapsed: false, verdict: 'pending' },
      { key: 'A-2', type: 'A', weight: 0, status: null, lapsed: false, verdict: 'unanswered' },
    ]);
    expect(score.claimed.score).toBe(100);
    expect(score.verified.score).toBe(50);
    expect(score.verifiedShare).toBe(25);
    expect(score.claimed.qualification).toBe('open');
    expect(score.verified.qualification).toBe('open');
    expect(score.verified.pendingAbsolute).toEqual(['A-1']);
    expect(score.verified.unansweredAbsolute).toEqual(['A-2']);
  });

  test('When the council rejects a mandatory answer the vendor claims to meet, then the verified basis is disqualified with the reason and the claimed basis is not', () => {
    const score = scoreProduct([
      { key: 'EXP-004', type: 'A', weight: 0, status: 'meets', lapsed: false, verdict: 'rejected' },
      { key: 'API-005', type: 'A', weight: 0, status: null, lapsed: false, verdict: 'unanswered' },
      { key: 'V-1', type: 'V', weight: 10, status: 'meets', lapsed: false, verdict: 'accepted' },
    ]);
    expect(score.claimed).toMatchObject({ qualification: 'open', failingAbsolute: [], unansweredAbsolute: ['API-005'] });
    expect(score.verified).toMatchObject({
      qualification: 'disqualified',
      disqualified: true,
      failingAbsolute: ['EXP-004'],
      rejectedAbsolute: ['EXP-004'],
      unansweredAbsolute: ['API-005'],
      findings: [
        { key: 'EXP-004', reason: 'rejected', disqualifies: true },
        { key: 'API-005', reason: 'unanswered', disqualifies: false },
      ],
    });
  });

  test('When an answer lapsed, then the claimed basis leaves the item open as expired and the verified basis disqualifies', () => {
    const score = scoreProduct([{ key: 'A-1', type: 'A', weight: 0, status: 'meets', lapsed: true, verdict: 'expired' }]);
    expect(score.claimed.findings).toEqual([{ key: 'A-1', reason: 'expired', disqualifies: false }]);
    expect(score.claimed.qualification).toBe('open');
    expect(score.verified.findings).toEqual([{ key: 'A-1', reason: 'expired', disqualifies: true }]);
  });

  test('When products are ranked, then qualified ones come first, then open ones, then the disqualified; within each by score, ties by name', () => {
    const product = (name: string, items: ScoringItem[]) => ({
      name,
      score: scoreProduct(items.map((i): ProductScoringItem => ({ ...i, lapsed: false, verdict: i.status === null ? 'unanswered' : 'pending' }))),
    });
    const ranked = [
      product('Delta', [item('V-1', 'V', 1, null)]),
      product('Alfa', [item('V-1', 'V', 1, 'partly')]),
      product('Bravo', [item('V-1', 'V', 1, 'meets'), item('A-1', 'A', 0, 'does_not_meet')]),
      product('Charlie', [item('V-1', 'V', 1, 'partly')]),
      product('Echo', [item('A-1', 'A', 0, 'meets')]),
      product('Foxtrot', [item('V-1', 'V', 1, 'meets'), item('A-1', 'A', 0, null)]),
    ].sort(compareForRanking('claimed'));
    expect(ranked.map((p) => p.name)).toEqual(['Alfa', 'Charlie', 'Delta', 'Echo', 'Foxtrot', 'Bravo']);
  });
});

describe('the verified basis of one absolute item', () => {
  const DISQUALIFIED_PARTLY = { reason: 'declared_partly', disqualifies: true };
  const DISQUALIFIED_NO = { reason: 'declared_no', disqualifies: true };
  const table: [AnswerStatus | null, Verdict, { reason: string; disqualifies: boolean } | null][] = [
    [null, 'unanswered', { reason: 'unanswered', disqualifies: false }],
    ['meets', 'accepted', null],
    ['meets', 'pending', { reason: 'pending', disqualifies: false }],
    ['meets', 'rejected', { reason: 'rejected', disqualifies: true }],
    ['meets', 'expired', { reason: 'expired', disqualifies: true }],
    ['partly', 'accepted', DISQUALIFIED_PARTLY],
    ['partly', 'pending', DISQUALIFIED_PARTLY],
    ['partly', 'rejected', DISQUALIFIED_PARTLY],
    ['partly', 'expired', DISQUALIFIED_PARTLY],
    ['does_not_meet', 'accepted', DISQUALIFIED_NO],
    ['does_not_meet', 'pending', DISQUALIFIED_NO],
    ['does_not_meet', 'rejected', DISQUALIFIED_NO],
    ['does_not_meet', 'expired', DISQUALIFIED_NO],
    ['not_applicable', 'accepted', null],
    ['not_applicable', 'pending', { reason: 'pending', disqualifies: false }],
    ['not_applicable', 'rejected', { reason: 'rejected', disqualifies: true }],
    ['not_applicable', 'expired', { reason: 'expired', disqualifies: true }],
  ];
  test.each(table)('When the vendor answers %s and the verdict is %s, then the finding is %o', (claim, verdict, finding) => {
    expect(verifiedFinding(claim, verdict)).toEqual(finding);
  });
});

const statuses: (AnswerStatus | null)[] = ['meets', 'partly', 'does_not_meet', 'not_applicable', null];
const arbitraryItems = fc.array(
  fc.record({ type: fc.constantFrom<RequirementType>('A', 'V', 'AV'), weight: fc.integer({ min: 0, max: 100 }), status: fc.constantFrom(...statuses) }),
  { maxLength: 40 },
).map((rows) => rows.map((r, n) => ({ key: `K-${String(n).padStart(3, '0')}`, ...r })));

/** The order an answer can improve in; not applicable is off this ladder. */
const LADDER: (AnswerStatus | null)[] = [null, 'does_not_meet', 'partly', 'meets'];
const value = (status: AnswerStatus | null) => (status === 'meets' ? 1 : status === 'partly' ? 0.5 : 0);

describe('properties of the score', () => {
  test('When any answers are given, then the score is null or between 0 and 100 with at most one decimal', () => {
    fc.assert(
      fc.property(arbitraryItems, (items) => {
        const { score } = scoreItems(items);
        return score === null || (score >= 0 && score <= 100 && Math.abs(score * 10 - Math.round(score * 10)) < 1e-9);
      }),
    );
  });

  test('When the score is computed, then it equals the formula: 100 × Σ weight × value / Σ weight over V and AV items not marked not applicable', () => {
    fc.assert(
      fc.property(arbitraryItems, (items) => {
        const counted = items.filter((i) => i.type !== 'A' && i.status !== 'not_applicable');
        const weights = counted.reduce((s, i) => s + i.weight, 0);
        const expected = weights === 0 ? null : roundTo((100 * counted.reduce((s, i) => s + i.weight * value(i.status), 0)) / weights);
        return scoreItems(items).score === expected;
      }),
    );
  });

  test('When one answer improves (unanswered → not met → partly → meets), then the score never goes down, and once answered no disqualification appears', () => {
    fc.assert(
      fc.property(arbitraryItems.filter((items) => items.length > 0), fc.nat(), fc.nat({ max: 2 }), fc.nat({ max: 3 }), (items, pick, from, step) => {
        const index = pick % items.length;
        const better = Math.min(LADDER.length - 1, from + 1 + (step % (LADDER.length - from - 1)));
        const before = items.map((i, n) => (n === index ? { ...i, status: LADDER[from] as AnswerStatus | null } : i));
        const after = items.map((i, n) => (n === index ? { ...i, status: LADDER[better] as AnswerStatus | null } : i));
        const a = scoreItems(before);
        const b = scoreItems(after);
        const scoreOk = a.score === null ? b.score === null : (b.score as number) >= a.score;
        // Answering an open absolute item "not met" or "partly" rightly disqualifies; improving an answer never does.
        const disqualificationOk = from === 0 || !b.disqualified || a.disqualified;
        return scoreOk && disqualificationOk;
      }),
    );
  });

  test('When items are reordered, then the score and disqualification do not change', () => {
    fc.assert(
      fc.property(arbitraryItems, fc.integer(), (items, seed) => {
        const shuffled = [...items].sort((x, y) => ((x.key.charCodeAt(4) * seed) % 7) - ((y.key.charCodeAt(4) * seed) % 7));
        const a = scoreItems(items);
        const b = scoreItems(shuffled);
        return a.score === b.score && a.disqualified === b.disqualified && new Set(a.failingAbsolute).size === new Set(b.failingAbsolute).size;
      }),
    );
  });

  test('When every weight is multiplied by the same factor, then the score stays the same', () => {
    fc.assert(fc.property(arbitraryItems, fc.integer({ min: 1, max: 10 }), (items, factor) => scoreItems(items).score === scoreItems(items.map((i) => ({ ...i, weight: i.weight * factor }))).score));
  });

  test('When every answer is verified, then the verified score equals the claimed score and the verified share equals coverage', () => {
    fc.assert(
      fc.property(arbitraryItems, (items) => {
        const score = scoreProduct(items.map((i) => ({ key: i.key, type: i.type, weight: i.weight, status: i.status, lapsed: false, verdict: i.status === null ? 'unanswered' : 'accepted' })));
        return score.claimed.score === score.verified.score && score.verifiedShare === score.claimed.coverage;
      }),
    );
  });
});
