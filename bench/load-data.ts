import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { SYSTEM_AUDIT, type Actor } from '../server/auth/actor';
import { hashPassword } from '../server/auth/secrets';
import { answers, type AnswerStatus } from '../server/assessments/assessments.table';
import { loadLibraryFiles } from '../server/library/library.files';
import { organisations } from '../server/organisations/organisations.table';
import type { Services } from '../server/services';
import { products, productVersions } from '../server/vendors/vendors.table';
import { generateLibrary } from './library-data';

export const LOAD_DATA = { libraryItems: 1000, products: 200, vendors: 20, profileRequirements: 30, tenders: 50, itemsPerTender: 30 } as const;
export const LOAD_USER = { email: 'last@lastby.example', password: 'lasttest-passord-2026' } as const;

export type LoadData = {
  libraryKey: string;
  searchTerms: string[];
  tenderIds: string[];
  /** Every item of every tender with the version it had when the data was made. */
  tenderItems: { tenderId: string; itemId: string; version: number }[];
  profileId: string;
  productIds: string[];
};

const STATUSES: AnswerStatus[] = ['meets', 'meets', 'partly', 'does_not_meet', 'not_applicable'];

async function inChunks<T>(rows: T[], size: number, write: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += size) await write(rows.slice(i, i + size));
}

/**
 * The load benchmark's data set, made through the services where a user would make it (library
 * sync, tenders and their items, the assessment profile) and written in bulk where the rows are
 * many and plain (vendors, products, answers): 1,000 library items, 200 products with answers,
 * and 50 tenders of 30 items, all visible to one owner of a buyer organisation.
 */
export async function generateLoadData(services: Services, workDir: string): Promise<LoadData> {
  const { db } = services.database;
  const libraryDir = path.join(workDir, 'library');
  await mkdir(libraryDir, { recursive: true });
  await generateLibrary(libraryDir, LOAD_DATA.libraryItems);
  await services.library.sync(await loadLibraryFiles(libraryDir), SYSTEM_AUDIT);

  const buyer = await services.repositories.organisations.insert(db, { kind: 'buyer', name: 'Lastby kommune', orgNumber: null, parentId: null });
  const user = await services.repositories.auth.insertUser(db, { email: LOAD_USER.email, name: 'Lars Last', passwordHash: await hashPassword(LOAD_USER.password) });
  await services.repositories.organisations.insertMembership(db, { organisationId: buyer.id, userId: user.id, role: 'owner' });
  const actor: Actor = { userId: user.id, email: user.email, name: user.name, isAdmin: false, locale: 'nb', memberships: await services.repositories.auth.membershipsOf(db, user.id), activeOrganisationId: buyer.id, via: 'token', sessionId: null, csrfToken: null };
  const context = { ...SYSTEM_AUDIT, actorUserId: user.id, actorEmail: user.email };

  const requirementKeys = (await services.library.search(actor, { status: 'published', kind: 'requirement', sort: 'key', lang: 'nb', limit: 1000, offset: 0 })).rows.map((r) => r.key);
  const tenderIds: string[] = [];
  const tenderItems: LoadData['tenderItems'] = [];
  for (let n = 0; n < LOAD_DATA.tenders; n++) {
    const tender = await services.tenders.create(actor, { title: `Lasttest-anskaffelse ${n + 1}`, reference: `LOAD-${n + 1}`, language: 'nb', contactEmail: 'innkjop@lastby.example' }, context);
    const start = (n * 17) % (requirementKeys.length - LOAD_DATA.itemsPerTender);
    await services.tenders.addLibraryItems(actor, tender.id, requirementKeys.slice(start, start + LOAD_DATA.itemsPerTender), context);
    const view = await services.tenders.view(actor, tender.id);
    tenderIds.push(tender.id);
    for (const item of view.sections.flatMap((s) => s.items)) tenderItems.push({ tenderId: tender.id, itemId: item.id, version: item.version });
  }

  const profileKeys = requirementKeys.slice(0, LOAD_DATA.profileRequirements);
  const profile = await services.assessments.createProfile(actor, { name: 'Lasttest-profil', items: profileKeys.map((key, n) => ({ key, type: (['A', 'V', 'AV'] as const)[n % 3], weight: 1 + (n % 5) })) }, context);
  const majors = new Map(profile.items.map((i) => [i.key, i.major]));
  const vendorRows = Array.from({ length: LOAD_DATA.vendors }, (_, v) => ({ id: randomUUID(), kind: 'vendor' as const, name: `Lastleverandør ${String(v + 1).padStart(2, '0')} AS` }));
  await db.insert(organisations).values(vendorRows);
  const perVendor = LOAD_DATA.products / LOAD_DATA.vendors;
  const productRows = vendorRows.flatMap((vendor, v) =>
    Array.from({ length: perVendor }, (_, p) => ({ id: randomUUID(), vendorOrganisationId: vendor.id, name: `Lastsystem ${v * perVendor + p + 1}`, domains: ['school' as const], deployment: 'saas' as const })),
  );
  await inChunks(productRows, 500, (chunk) => db.insert(products).values(chunk));
  const versionRows = productRows.map((p) => ({ id: randomUUID(), productId: p.id, label: '1.0', releaseDate: '2026-01-01' }));
  await inChunks(versionRows, 500, (chunk) => db.insert(productVersions).values(chunk));
  const answerRows = versionRows.flatMap((version, p) =>
    profileKeys.map((key, k) => ({ id: randomUUID(), productVersionId: version.id, libraryKey: key, libraryMajor: majors.get(key) as number, status: STATUSES[(p * 7 + k * 3) % STATUSES.length] as AnswerStatus, explanation: 'Beskrevet i vedlegg.' })),
  );
  await inChunks(answerRows, 2000, (chunk) => db.insert(answers).values(chunk));

  return {
    libraryKey: requirementKeys[Math.floor(requirementKeys.length / 2)] as string,
    searchTerms: ['eksport', 'sletting', 'API', 'arkivuttrekk', 'personopplysninger', 'dokumentasjon'],
    tenderIds,
    tenderItems,
    profileId: profile.profile.id,
    productIds: productRows.map((p) => p.id),
  };
}
