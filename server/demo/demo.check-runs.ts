import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { majorOf } from '../assessments/assessments.cells';
import { ensureBaselineProfile } from '../assessments/assessments.service';
import type { Services } from '../services';
import { PROJECT_ROOT } from '../shared/paths';
import { demoActor } from './demo.actors';
import { demoAssessmentTexts } from './demo.assessment-texts';

/** The files a good and a poor vendor sent: an API description each, and a sample export with its data model. */
export const DEMO_CHECK_FILES_DIR = path.join(PROJECT_ROOT, 'server', 'demo', 'check-files');

/** Which demo product sent which folder, answered by its demo owner. */
const CHECKED_PRODUCTS = [
  { folder: 'good', product: 'Elevportalen', vendor: 'Fiktiv Fagsystem AS (demo)', email: 'leverandor@fiktiv.example' },
  { folder: 'poor', product: 'Saksflyt', vendor: 'Tenkt Programvare AS (demo)', email: 'leverandor@tenkt.example' },
] as const;

/**
 * The requirements the files are evidence for: the API description for the read API (API-001),
 * the export with its schemas and data model for "export can be read back in" (EXP-003), whose
 * declared checks read every kind of file in the folder. A file goes to the first that takes it.
 */
const EVIDENCE = [
  { key: 'API-001', takes: (name: string) => /api\.(json|ya?ml)$/.test(name), attached: 'API-beskrivelsen (OpenAPI) er vedlagt.' },
  { key: 'EXP-003', takes: () => true, attached: 'Et eksempel på uttrekket er vedlagt, med datamodellbeskrivelse og skjemaene filene følger.' },
] as const;

/** The folder's files, split by the requirement they are evidence for. */
function evidenceFiles(folder: string): Map<string, { originalname: string; buffer: Buffer }[]> {
  const dir = path.join(DEMO_CHECK_FILES_DIR, folder);
  const byKey = new Map<string, { originalname: string; buffer: Buffer }[]>();
  for (const name of readdirSync(dir).sort()) {
    const evidence = EVIDENCE.find((e) => e.takes(name));
    if (!evidence) continue;
    byKey.set(evidence.key, [...(byKey.get(evidence.key) ?? []), { originalname: name, buffer: readFileSync(path.join(dir, name)) }]);
  }
  return byKey;
}

/**
 * Attaches the demo check files to the answers of a good and a poor demo product, as their
 * vendors would upload them. Storing the evidence queues a check run for each answer (the
 * requirements declare checks), which the job runner works through once the app has started,
 * so the reports are there from the first start. An answer that has evidence already is left
 * alone, so this can run on every start.
 */
export async function seedDemoCheckRuns(services: Services): Promise<void> {
  const { db } = services.database;
  const repo = services.repositories.assessments;
  const baseline = await ensureBaselineProfile(services);
  if (!baseline) return;
  const items = (await repo.profileVersion(db, baseline.id, baseline.currentVersion))?.items ?? [];
  for (const demo of CHECKED_PRODUCTS) {
    const vendor = await demoActor(services, demo.email, demo.vendor);
    if (!vendor) continue;
    const { rows } = await repo.products(db, { vendorOrganisationIds: [vendor.actor.activeOrganisationId as string], q: demo.product }, { limit: 10, offset: 0 });
    const productVersionId = rows.find((p) => p.name === demo.product)?.versionId;
    if (!productVersionId) continue;
    for (const [key, files] of evidenceFiles(demo.folder)) {
      const item = items.find((i) => i.key === key);
      if (!item) continue;
      const thread = { productVersionId, libraryKey: key, libraryMajor: majorOf(item.libraryVersion) };
      if ((await repo.evidenceOfThread(db, thread)).length > 0) continue;
      const [current] = await repo.currentAnswers(db, [productVersionId], [key]);
      if (current) {
        await services.assessments.addEvidenceFiles(vendor.actor, current.id, files, vendor.context);
      } else {
        const explanation = `${demoAssessmentTexts(key).answer.meets} ${EVIDENCE.find((e) => e.key === key)?.attached ?? ''}`.trim();
        await services.assessments.saveAnswerWithEvidence(vendor.actor, { productVersionId, key, major: thread.libraryMajor, status: 'meets', explanation, validUntil: '2028-12-31' }, files, vendor.context);
      }
    }
  }
}
