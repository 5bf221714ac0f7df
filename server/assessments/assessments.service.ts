import { SYSTEM_AUDIT } from '../auth/actor';
import type { TendersService } from '../tenders/tenders.service';
import { assessingMemberships, seesAllProducts } from './assessments.access';
import { createAssessmentsContext, type AssessmentsServiceDeps, type TenderItemsSource } from './assessments.context';
import type { AssessmentProfileRow } from './assessments.table';
import { createAnswersService } from './answers.service';
import { createComparisonService } from './comparison.service';
import { createProfilesService } from './profiles.service';
import { createVerificationService } from './verification.service';

/**
 * The assessments feature as one service: its use cases (profiles, answers and evidence,
 * verification, comparison) built on one context, plus the two access rules the pages ask about.
 */
export function createAssessmentsService(deps: AssessmentsServiceDeps) {
  const context = createAssessmentsContext(deps);
  return {
    seesAllProducts,
    assessingMemberships,
    ...createProfilesService(context),
    ...createAnswersService(context),
    ...createVerificationService(context),
    ...createComparisonService(context),
  };
}

export type AssessmentsService = ReturnType<typeof createAssessmentsService>;

/** Creates the shipped baseline profile after the library sync; safe to call on every start. */
export function ensureBaselineProfile(services: { assessments: AssessmentsService }): Promise<AssessmentProfileRow | null> {
  return services.assessments.ensureBaselineProfile(SYSTEM_AUDIT);
}

/** The library items of a tender as the tender's reader sees it, for a profile made from the tender's set. */
export function tenderLibraryItems(tenders: Pick<TendersService, 'view'>): TenderItemsSource {
  return async (actor, tenderId) =>
    (await tenders.view(actor, tenderId)).sections
      .flatMap((s) => s.items)
      .flatMap((i) => (i.libraryKey && i.libraryVersion ? [{ key: i.libraryKey, libraryVersion: i.libraryVersion, type: i.type, weight: i.weight }] : []));
}
