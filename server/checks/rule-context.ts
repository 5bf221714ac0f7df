import type { ExportData } from './export.scan';
import type { RuleFindings } from './findings';
import type { CheckLimits } from './limits';
import type { LoadedDescription } from './openapi.load';
import type { RuleId, RuleParams } from './rules.catalogue';

/** What a rule is given: the limits, and the inputs read once per check and shared by the rules. */
export type RuleContext = {
  limits: CheckLimits;
  descriptions(): Promise<LoadedDescription[]>;
  exportData(): Promise<ExportData>;
};

export type RuleImplementation<R extends RuleId> = (context: RuleContext, params: RuleParams<R>, findings: RuleFindings) => Promise<void>;
