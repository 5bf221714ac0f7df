import { createJointSetAdoption } from './joint-set-adoption.service';
import { createJointSetConsultation } from './joint-set-consultation.service';
import { createJointSetDeviations } from './joint-set-deviations.service';
import { createJointSetEditing } from './joint-set-editing.service';
import { createJointSetParticipants } from './joint-set-participants.service';
import { createJointSetTenders, type CreateProfileFromSet, type CreateTenderFromSet } from './joint-set-tenders.service';
import type { JointSetsDeps } from './joint-sets.access';

export type JointSetsServiceDeps = JointSetsDeps & { createTender: CreateTenderFromSet; createProfile: CreateProfileFromSet };

/**
 * The joint-set service: every use case in one object, so callers write `jointSets.signoff(...)`
 * whichever file the rule lives in. Each use case shares the feature's access rules, loaders
 * and change runner (`joint-sets.access.ts`, `joint-sets.content.ts`, `joint-sets.changes.ts`).
 */
export function createJointSetsService(deps: JointSetsServiceDeps) {
  return {
    ...createJointSetParticipants(deps),
    ...createJointSetEditing(deps),
    ...createJointSetConsultation(deps),
    ...createJointSetAdoption(deps),
    ...createJointSetDeviations(deps),
    ...createJointSetTenders(deps),
  };
}

export type JointSetsService = ReturnType<typeof createJointSetsService>;
