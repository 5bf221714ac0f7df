import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CheckFile, CheckReport, Finding } from '../../server/checks/checks.schemas';
import { runChecks } from '../../server/checks/engine';
import type { CheckLimits } from '../../server/checks/limits';
import { checksDeclarationSchema, type RuleId } from '../../server/checks/rules.catalogue';

export const FIXTURES = path.join(__dirname, 'fixtures');

export function fixture(name: string): CheckFile {
  return { name, bytes: readFileSync(path.join(FIXTURES, name)) };
}

export function file(name: string, content: string | Uint8Array): CheckFile {
  return { name, bytes: typeof content === 'string' ? Buffer.from(content, 'utf8') : content };
}

/** Runs the engine directly (no worker) with the named rules and their parameters. */
export function check(files: CheckFile[], rules: (RuleId | { rule: RuleId; params: Record<string, unknown> })[], limits: Partial<CheckLimits> = {}): Promise<CheckReport> {
  const checks = checksDeclarationSchema.parse(rules.map((r) => (typeof r === 'string' ? { rule: r } : r)));
  return runChecks({ files, checks }, { limits });
}

export function outcome(report: CheckReport, rule: RuleId): string | undefined {
  return report.rules.find((r) => r.rule === rule)?.outcome;
}

export function findingsOf(report: CheckReport, rule: RuleId, which?: Finding['outcome']): Finding[] {
  return report.findings.filter((f) => f.rule === rule && (which === undefined || f.outcome === which));
}

export function messagesOf(report: CheckReport, rule: RuleId, which?: Finding['outcome']): string[] {
  return findingsOf(report, rule, which).map((f) => f.message.en);
}
