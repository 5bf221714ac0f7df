import type { CheckFile, CheckReport, Finding, Outcome, RuleResult } from './checks.schemas';
import { EXPORT_RULES } from './export.rules';
import { scanExport, type ExportData, type ExportOptions } from './export.scan';
import { RuleFindings, message } from './findings';
import { intake } from './intake';
import { DEFAULT_LIMITS, type CheckLimits } from './limits';
import { loadDescription, type LoadedDescription } from './openapi.load';
import { OPENAPI_RULES } from './openapi.rules';
import type { RuleContext, RuleImplementation } from './rule-context';
import { RULES, RULE_SET_VERSION, type CheckDeclaration, type RuleId } from './rules.catalogue';

/**
 * The check engine: reads the files once (intake), runs each declared rule, and returns the
 * report. Pure computation on the bytes it is given; it reads no file, opens no connection and
 * writes nothing. It runs inside a worker thread (checks.pool.ts), which bounds its time and memory.
 */
export type CheckRequest = { files: CheckFile[]; checks: CheckDeclaration[] };
export type EngineOptions = { limits?: Partial<CheckLimits>; onProgress?: (percent: number) => void };

const IMPLEMENTATIONS: { [R in Exclude<RuleId, 'files.readable'>]: RuleImplementation<R> } = { ...OPENAPI_RULES, ...EXPORT_RULES };

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | null = null;
  return () => (made ??= make());
}

function outcomeOf(findings: Finding[]): Outcome {
  const required = findings.filter((f) => f.level === 'required');
  if (required.some((f) => f.outcome === 'fail')) return 'fail';
  if (required.some((f) => f.outcome === 'pass')) return 'pass';
  return 'not_applicable';
}

function count(outcomes: Outcome[]): { pass: number; fail: number; notApplicable: number } {
  return { pass: outcomes.filter((o) => o === 'pass').length, fail: outcomes.filter((o) => o === 'fail').length, notApplicable: outcomes.filter((o) => o === 'not_applicable').length };
}

function exportOptions(checks: CheckDeclaration[]): ExportOptions {
  const parses = checks.find((c) => c.rule === 'export.parses');
  const dates = checks.find((c) => c.rule === 'export.iso-dates');
  return {
    csv: parses?.rule === 'export.parses' ? parses.params.csv : { encoding: 'utf-8' },
    requireTimeZone: dates?.rule === 'export.iso-dates' ? dates.params.requireTimeZone : true,
  };
}

/** Says how far the check has come, in whole percent, as bytes are read. */
function progressMeter(total: number, report: ((percent: number) => void) | undefined): (bytes: number) => void {
  let done = 0;
  let last = -1;
  return (bytes) => {
    done += bytes;
    const percent = total === 0 ? 99 : Math.min(99, Math.floor((done / total) * 100));
    if (percent !== last && report) {
      last = percent;
      report(percent);
    }
  };
}

export function summarise(results: RuleResult[], findings: Finding[]): CheckReport['summary'] {
  const declared = results.filter((r) => r.rule !== 'files.readable');
  const outcome: Outcome = results.some((r) => r.outcome === 'fail') ? 'fail' : declared.some((r) => r.outcome === 'pass') ? 'pass' : 'not_applicable';
  return { outcome, rules: count(results.map((r) => r.outcome)), findings: count(findings.filter((f) => f.level === 'required').map((f) => f.outcome)) };
}

export async function runChecks(request: CheckRequest, options: EngineOptions = {}): Promise<CheckReport> {
  const startedAt = new Date().toISOString();
  const limits: CheckLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const readable = new RuleFindings('files.readable', limits.failuresListed);
  const { sources, files } = await intake(request.files, limits, readable);
  if (request.files.length === 0) readable.notApplicable(null, message('Ingen filer å kontrollere.', 'No files to check.'));
  const scanned = sources.filter((s) => ['openapi', 'csv', 'json', 'jsonl', 'xml'].includes(s.format)).reduce((n, s) => n + s.size, 0);
  const progress = progressMeter(scanned, options.onProgress);
  const context: RuleContext = {
    limits,
    descriptions: once(async (): Promise<LoadedDescription[]> => {
      const loaded: LoadedDescription[] = [];
      for (const source of sources.filter((s) => s.format === 'openapi')) {
        loaded.push(await loadDescription(source, limits));
        progress(source.size);
      }
      return loaded;
    }),
    exportData: once((): Promise<ExportData> => scanExport(sources, exportOptions(request.checks), limits, progress)),
  };
  const results: RuleResult[] = [];
  const findings: Finding[] = [];
  const record = (rule: RuleId, params: Record<string, unknown>, ruleFindings: Finding[]) => {
    const outcome = outcomeOf(ruleFindings);
    results.push({ rule, version: RULES[rule].version, params, outcome, counts: count(ruleFindings.filter((f) => f.level === 'required').map((f) => f.outcome)) });
    findings.push(...ruleFindings);
  };
  record('files.readable', {}, readable.all());
  for (const declaration of request.checks) {
    const ruleFindings = new RuleFindings(declaration.rule, limits.failuresListed);
    const implementation = IMPLEMENTATIONS[declaration.rule as Exclude<RuleId, 'files.readable'>] as RuleImplementation<RuleId>;
    try {
      await implementation(context, declaration.params as never, ruleFindings);
    } catch (error) {
      ruleFindings.fail(null, message(`Regelen kunne ikke kjøres ferdig: ${(error as Error).message}`, `The rule could not run to its end: ${(error as Error).message}`));
    }
    record(declaration.rule, declaration.params, ruleFindings.all());
  }
  options.onProgress?.(100);
  return {
    format: 'datakrav-check-report',
    formatVersion: 1,
    ruleSet: { version: RULE_SET_VERSION },
    startedAt,
    finishedAt: new Date().toISOString(),
    files,
    rules: results,
    findings,
    stopped: null,
    summary: summarise(results, findings),
  };
}
