import type { Finding, Location, Message } from './checks.schemas';
import { RULES, type RuleId } from './rules.catalogue';

export function message(nb: string, en: string): Message {
  return { nb, en };
}

type Details = Finding['details'];

/**
 * Collects one rule's findings. Failures are listed up to a limit per file; beyond it they are
 * counted, and one finding per file says how many more there were, so a file with a million bad
 * rows gives a report of a readable size.
 */
export class RuleFindings {
  private readonly listed: Finding[] = [];
  private readonly unlisted = new Map<string, { location: Location; count: number }>();
  private readonly failuresPerFile = new Map<string, number>();

  constructor(
    readonly rule: RuleId,
    private readonly failuresListed: number,
  ) {}

  pass(location: Location | null, text: Message, details?: Details): void {
    this.add('pass', 'required', location, text, details);
  }

  notApplicable(location: Location | null, text: Message, details?: Details): void {
    this.add('not_applicable', 'required', location, text, details);
  }

  fail(location: Location | null, text: Message, details?: Details): void {
    const key = location ? `${location.file}\u0000${location.entry ?? ''}` : '';
    const count = (this.failuresPerFile.get(key) ?? 0) + 1;
    this.failuresPerFile.set(key, count);
    if (count > this.failuresListed) {
      const more = this.unlisted.get(key);
      if (more) more.count++;
      else this.unlisted.set(key, { location: { file: location?.file ?? '', ...(location?.entry ? { entry: location.entry } : {}) }, count: 1 });
      return;
    }
    this.add('fail', 'required', location, text, details);
  }

  /** Says how many failures of a kind were found but not listed (counted where they were found). */
  failUnlisted(location: Location | null, text: Message, unlisted: number): void {
    this.add('fail', 'required', location, text, { unlisted });
  }

  /** Advice: reported with its outcome, but never fails the rule. */
  recommend(passed: boolean, location: Location | null, text: Message, details?: Details): void {
    this.add(passed ? 'pass' : 'fail', 'recommended', location, text, details);
  }

  failureCount(): number {
    let total = 0;
    for (const n of this.failuresPerFile.values()) total += n;
    return total;
  }

  all(): Finding[] {
    const more: Finding[] = [...this.unlisted.values()].map(({ location, count }) => ({
      rule: this.rule,
      ruleVersion: RULES[this.rule].version,
      outcome: 'fail',
      level: 'required',
      location: location.file ? location : null,
      message: message(`… og ${count} flere avvik av samme slag som ikke er listet.`, `… and ${count} more failures of the same kind, not listed.`),
      details: { unlisted: count },
    }));
    return [...this.listed, ...more];
  }

  private add(outcome: Finding['outcome'], level: Finding['level'], location: Location | null, text: Message, details?: Details): void {
    this.listed.push({ rule: this.rule, ruleVersion: RULES[this.rule].version, outcome, level, location, message: text, ...(details ? { details } : {}) });
  }
}
