import Handlebars from 'handlebars';
import type { Finding, Location, Outcome } from '../checks/checks.schemas';
import { isRuleId, RULES, RULE_SET_VERSION } from '../checks/rules.catalogue';
import type { Language } from '../library/library.codes';
import type { CheckRunWithJob } from './check-runs.repository';
import type { CheckRunState } from './check-runs.table';

/**
 * The state a run is in for those who read it: its own once finished; before that its job's, so
 * a job that failed for good (its instance died with no attempt left) shows as failed, never
 * as queued for ever.
 */
export function runStatus(run: CheckRunWithJob): { state: CheckRunState; progress: number; outcome: Outcome | null; error: { code: string; message: string } | null } {
  if (run.state === 'done' || run.state === 'failed') {
    return { state: run.state, progress: 100, outcome: run.report?.summary.outcome ?? null, error: run.error ?? null };
  }
  if (run.job?.state === 'failed') return { state: 'failed', progress: run.job.progress, outcome: null, error: run.job.error ?? { code: 'jobs.failed', message: 'The check could not be run.' } };
  const state: CheckRunState = run.job?.state === 'running' ? 'running' : run.state;
  return { state, progress: run.job?.progress ?? 0, outcome: null, error: null };
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function checkRunSummary(run: CheckRunWithJob) {
  return {
    id: run.id,
    ...runStatus(run),
    answerId: run.answerId,
    productVersionId: run.productVersionId,
    tenderId: run.tenderId,
    bidder: run.bidder,
    requirementKeys: run.requirementKeys,
    files: run.files,
    ruleSetVersion: run.ruleSetVersion,
    currentRuleSetVersion: RULE_SET_VERSION,
    rerunOf: run.rerunOf,
    createdAt: run.createdAt.toISOString(),
    finishedAt: iso(run.finishedAt),
  };
}

export function checkRunBody(run: CheckRunWithJob) {
  return { ...checkRunSummary(run), checks: run.checks.map(({ key, version, rule, params }) => ({ key, version, rule, params: params as Record<string, unknown> })), report: run.report };
}

/** A finding's place, as one line: the file (and zip entry), then what fits its format. */
export function locationText(location: Location | null, lang: Language): string {
  if (!location) return '';
  const parts = [location.entry ? `${location.file} › ${location.entry}` : location.file];
  if (location.pointer !== undefined) parts.push(location.pointer === '' ? '#' : `#${location.pointer}`);
  if (location.line !== undefined) parts.push(lang === 'nb' ? `linje ${location.line}${location.column ? `, kolonne ${location.column}` : ''}` : `line ${location.line}${location.column ? `, column ${location.column}` : ''}`);
  if (location.row !== undefined) parts.push(lang === 'nb' ? `rad ${location.row}` : `row ${location.row}`);
  if (location.field !== undefined) parts.push(lang === 'nb' ? `felt ${location.field}` : `field ${location.field}`);
  if (location.xpath !== undefined) parts.push(location.xpath);
  if (location.byte !== undefined) parts.push(lang === 'nb' ? `byte ${location.byte}` : `byte ${location.byte}`);
  return parts.join(', ');
}

/** The names of the engine's finding details, as the report page shows them; others keep their own name. */
const DETAIL_NAMES: Record<string, Record<Language, string>> = {
  records: { nb: 'poster', en: 'records' },
  fields: { nb: 'felt', en: 'fields' },
  dates: { nb: 'datoer', en: 'dates' },
  operations: { nb: 'operasjoner', en: 'operations' },
  detected: { nb: 'funnet', en: 'detected' },
  unlisted: { nb: 'ikke listet', en: 'not listed' },
  excerpt: { nb: 'utdrag', en: 'excerpt' },
};

function findingView(finding: Finding, lang: Language) {
  const details = Object.entries(finding.details ?? {}).map(([name, value]) => ({ name: DETAIL_NAMES[name]?.[lang] ?? name, value: String(value) }));
  return { outcome: finding.outcome, level: finding.level, message: finding.message[lang], location: locationText(finding.location, lang), details };
}

/** The report page's model: state, then per rule its outcome and findings, failures first. */
export function checkRunPage(run: CheckRunWithJob, lang: Language, options: { canRerun: boolean; backLink: { href: string; label: string } | null }) {
  const status = runStatus(run);
  const report = run.report;
  const rules = (report?.rules ?? []).map((result) => {
    const findings = (report?.findings ?? []).filter((f) => f.rule === result.rule);
    const order: Record<Outcome, number> = { fail: 0, pass: 1, not_applicable: 2 };
    return {
      rule: result.rule,
      title: isRuleId(result.rule) ? RULES[result.rule].title[lang] : result.rule,
      version: result.version,
      outcome: result.outcome,
      params: Object.keys(result.params).length > 0 ? JSON.stringify(result.params) : null,
      requirements: run.checks.filter((c) => c.rule === result.rule).map((c) => c.key),
      counts: result.counts,
      findings: findings.sort((a, b) => order[a.outcome] - order[b.outcome]).map((f) => findingView(f, lang)),
    };
  });
  return {
    run: checkRunSummary(run),
    status,
    finished: status.state === 'done' || status.state === 'failed',
    outdated: run.ruleSetVersion !== RULE_SET_VERSION,
    currentRuleSetVersion: RULE_SET_VERSION,
    files: report?.files ?? run.files.map((f) => ({ ...f, format: null })),
    stopped: report?.stopped ? report.stopped.message[lang] : null,
    summary: report?.summary ?? null,
    rules,
    canRerun: options.canRerun,
    backLink: options.backLink,
  };
}

/** A short line for a run in a list (the answer page, the tender page). */
export function checkRunListItem(run: CheckRunWithJob) {
  const status = runStatus(run);
  return { id: run.id, ...status, files: run.files.map((f) => f.name).join(', '), createdAt: run.createdAt, bidder: run.bidder, ruleSetVersion: run.ruleSetVersion };
}

/** The answer page's section: the runs of the requirement, and the newest one's rules beside the answer. */
export function answerChecksView(runs: CheckRunWithJob[], declared: { rule: string }[], lang: Language) {
  const newest = runs[0];
  return {
    declared: [...new Set(declared.map((d) => d.rule))].map((rule) => ({ rule, title: isRuleId(rule) ? RULES[rule].title[lang] : rule })),
    runs: runs.map(checkRunListItem),
    newest: newest ? { id: newest.id, ...runStatus(newest), rules: (newest.report?.rules ?? []).map((r) => ({ rule: r.rule, title: isRuleId(r.rule) ? RULES[r.rule].title[lang] : r.rule, outcome: r.outcome, fails: r.counts.fail })) } : null,
  };
}

/**
 * Adds the "machine-checked" marker to the matrix cells a passing check backs. The matrix row
 * arrives as pre-built cells (assessments.views.ts), each closed by one `</td>`; the marker goes
 * before the close of each marked cell, so the cells' own markup stays the assessments' concern.
 */
export function markMachineChecked(cellsHtml: { toHTML: () => string }, marked: boolean[], label: { text: string; title: string }): { toHTML: () => string } {
  if (!marked.some(Boolean)) return cellsHtml;
  const marker = `<small class="dk-machine-checked" title="${Handlebars.escapeExpression(label.title)}">${Handlebars.escapeExpression(label.text)}</small>`;
  const parts = cellsHtml.toHTML().split('</td>');
  const html = parts.map((part, i) => (i < parts.length - 1 ? `${part}${marked[i] ? marker : ''}</td>` : part)).join('');
  return { toHTML: () => html };
}
