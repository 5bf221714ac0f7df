import { SYSTEM_AUDIT, type Actor } from '../auth/actor';
import { hashPassword } from '../auth/secrets';
import type { MembershipRole, OrganisationKind } from '../organisations/organisations.table';
import type { Services } from '../services';
import { seedDemoVendors } from './demo.vendors';
import { seedDemoAssessments } from './demo.assessments';
import { seedDemoJointSets } from './demo.joint-sets';
import { seedDemoCheckRuns } from './demo.check-runs';

/** Shared password of every demo user; demo data is for trying the product, never production. */
export const DEMO_PASSWORD = 'demo-passord-2026';

type DemoOrganisation = { key: string; kind: OrganisationKind; name: string; parent?: string };
type DemoUser = { email: string; name: string; memberships: [string, MembershipRole][] };

const ORGANISATIONS: DemoOrganisation[] = [
  { key: 'eksempelby', kind: 'buyer', name: 'Eksempelby kommune (demo)' },
  { key: 'provestad', kind: 'buyer', name: 'Prøvestad kommune (demo)' },
  { key: 'radet', kind: 'council', name: 'Arkitekturrådet i Eksempelby (demo)', parent: 'eksempelby' },
  { key: 'fiktiv', kind: 'vendor', name: 'Fiktiv Fagsystem AS (demo)' },
  { key: 'tenkt', kind: 'vendor', name: 'Tenkt Programvare AS (demo)' },
];

const USERS: DemoUser[] = [
  { email: 'eier@eksempelby.example', name: 'Eva Eier', memberships: [['eksempelby', 'owner']] },
  { email: 'innkjoper@eksempelby.example', name: 'Ingrid Innkjøper', memberships: [['eksempelby', 'editor']] },
  { email: 'radsmedlem@eksempelby.example', name: 'Rolf Rådsmedlem', memberships: [['radet', 'assessor'], ['eksempelby', 'viewer']] },
  { email: 'koordinator@provestad.example', name: 'Kari Koordinator', memberships: [['provestad', 'owner']] },
  { email: 'leverandor@fiktiv.example', name: 'Lars Leverandør', memberships: [['fiktiv', 'owner']] },
  { email: 'leverandor@tenkt.example', name: 'Tone Tenkt', memberships: [['tenkt', 'owner']] },
];

/**
 * Seeds clearly fictional organisations and users. Idempotent: what exists is left alone,
 * so `--demo` can be given on every start.
 */
export async function seedDemo(services: Services): Promise<{ emails: string[]; password: string; phases: Record<string, number> }> {
  const { db } = services.database;
  // How long each part takes, for the start-up split in the debug log.
  const phases: Record<string, number> = {};
  let phaseStart = performance.now();
  const phase = (name: string) => {
    const now = performance.now();
    phases[name] = Math.round(now - phaseStart);
    phaseStart = now;
  };
  const { organisations: orgs, auth: users, audit } = services.repositories;
  // Hashed only when a user is missing: a start on seeded data then spends no time on argon2.
  let passwordHash: Promise<string> | undefined;
  await db.transaction(async (tx) => {
    const ids = new Map<string, string>();
    for (const org of ORGANISATIONS) {
      const existing = await orgs.findByName(tx, org.name);
      const row =
        existing ??
        (await orgs.insert(tx, { kind: org.kind, name: org.name, orgNumber: null, parentId: org.parent ? (ids.get(org.parent) ?? null) : null }));
      if (!existing) await audit.record(tx, SYSTEM_AUDIT, { organisationId: row.id, action: 'organisation.created', entityType: 'organisation', entityId: row.id, after: { kind: row.kind, name: row.name, demo: true } });
      ids.set(org.key, row.id);
    }
    for (const user of USERS) {
      let row = await users.findUserByEmail(tx, user.email);
      if (!row) {
        passwordHash ??= hashPassword(DEMO_PASSWORD);
        row = await users.insertUser(tx, { email: user.email, name: user.name, passwordHash: await passwordHash });
        await audit.record(tx, SYSTEM_AUDIT, { organisationId: null, action: 'user.created', entityType: 'user', entityId: row.id, after: { email: row.email, demo: true } });
      }
      for (const [orgKey, role] of user.memberships) {
        const organisationId = ids.get(orgKey) as string;
        if (!(await orgs.findMembership(tx, organisationId, row.id))) await services.organisations.addMember(organisationId, row.id, role, SYSTEM_AUDIT, tx);
      }
    }
  });
  phase(passwordHash ? 'usersWithArgon2' : 'users');
  await seedDemoTender(services);
  phase('tender');
  await seedDemoVendors(services);
  phase('vendors');
  await seedDemoAssessments(services);
  phase('assessments');
  await seedDemoCheckRuns(services);
  phase('checkRuns');
  await seedDemoJointSets(services);
  phase('jointSets');
  return { emails: USERS.map((u) => u.email), password: DEMO_PASSWORD, phases };
}

const DEMO_TENDER_REFERENCE = 'DEMO-2026/17';
const DEMO_TENDER_KEYS = ['EXP-001', 'EXP-002', 'API-001', 'API-003', 'DOC-001', 'DOC-002', 'SEC-001', 'EXIT-001', 'EXIT-002', 'EXIT-006', 'EXIT-009', 'EXIT-010', 'PRI-001', 'PRI-002', 'OWN-001', 'PRV-001'];

/** A demo tender with library items, issued once, so the tender pages and documents have content. */
async function seedDemoTender(services: Services): Promise<void> {
  const { db } = services.database;
  const editor = await services.repositories.auth.findUserByEmail(db, 'innkjoper@eksempelby.example');
  const buyer = await services.repositories.organisations.findByName(db, 'Eksempelby kommune (demo)');
  if (!editor || !buyer || (await services.repositories.tenders.findByReference(db, buyer.id, DEMO_TENDER_REFERENCE))) return;
  const available = (await services.repositories.library.latestReleasedOfKeys(db, DEMO_TENDER_KEYS)).filter((r) => r.status === 'published').map((r) => r.key);
  if (available.length === 0) return;
  const actor: Actor = {
    userId: editor.id,
    email: editor.email,
    name: editor.name,
    isAdmin: false,
    locale: 'nb',
    memberships: await services.repositories.auth.membershipsOf(db, editor.id),
    activeOrganisationId: buyer.id,
    via: 'session',
    sessionId: null,
    csrfToken: null,
  };
  const context = { ...SYSTEM_AUDIT, actorUserId: editor.id, actorEmail: editor.email };
  const tender = await services.tenders.create(
    actor,
    {
      organisationId: buyer.id,
      title: 'Skoleadministrativt system (demo)',
      reference: DEMO_TENDER_REFERENCE,
      domain: 'school',
      language: 'nb',
      description: 'Fiktiv anskaffelse av et skoleadministrativt system, laget som eksempel.',
      contactName: editor.name,
      contactEmail: editor.email,
      deadline: '2027-03-01',
    },
    context,
  );
  await services.tenders.addLibraryItems(actor, tender.id, DEMO_TENDER_KEYS.filter((k) => available.includes(k)), context);
  await services.tenders.normaliseWeights(actor, tender.id, context);
  const checks = await services.tenders.checks(await services.tenders.view(actor, tender.id));
  if (checks.ok) await services.tenders.issue(actor, tender.id, context);
}
