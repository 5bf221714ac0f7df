import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import JSZip from 'jszip';
import type supertest from 'supertest';
import { routesOf } from '../../server/app';
import { SYSTEM_AUDIT, type Actor } from '../../server/auth/actor';
import type { UserRow } from '../../server/auth/users.table';
import { generateDocument } from '../../server/documents/documents';
import type { ItemContent } from '../../server/library/library.schemas';
import type { OrganisationRow } from '../../server/organisations/organisations.table';
import type { RouteDefinition } from '../../server/shared/http/route';
import type { ProductVersionRow } from '../../server/vendors/vendors.table';
import { buildProduct, SAMPLE_FILES } from '../assessments/fixtures';
import { createTestApp, type TestContext } from '../helpers/app';
import { buildOrganisation, buildUser, loginAs, orgNumberFrom, TEST_PASSWORD, unique } from '../helpers/factories';
import { freshOrgNumber } from '../vendors/fixtures';

/** An export id that names no export: a well-formed request the service answers 404 to. */
const EXPORT_ID = '00000000-0000-4000-8000-0000000e0a17';
/** An import id that names no import. */
const IMPORT_ID = '00000000-0000-4000-8000-0000000e0a18';
/** An identity provider, a role mapping and a check run that do not exist: well-formed ids the services answer 404 to. */
const PROVIDER_ID = '00000000-0000-4000-8000-0000000001d9';
const MAPPING_ID = '00000000-0000-4000-8000-00000000a991';
const CHECK_RUN_ID = '00000000-0000-4000-8000-00000000c4ec';
/** A sector pack of the shipped library. */
const PACK = 'school-kindergarten';

/**
 * Malformed requests to every API route that takes params, query or body, sent as an
 * administrator and as the owner of the organisation the route is about. Every answer must be
 * a 4xx problem+json; none may be a 5xx. Then malformed uploads, garbage forms to every page
 * POST route, and the app-wide answers: body too large, malformed JSON, unknown routes and
 * wrong methods.
 *
 * The shipped library is synced, with the baseline profile. The fixtures of the target
 * organisation: a published item of its own (:key), a private draft (:draftId), a saved selection
 * (:selectionId), and an issued tender (:tenderId) with items (:itemId), an empty section
 * (:sectionId) and a co-buyer (:organisationId). Of the vendor register and assessments: a vendor
 * (:vendorId) with a pending contact invitation (its :invitationId), a product (:productId) with a
 * version (:versionId, :productVersionId), the target organisation's usage of it (:usageId), a
 * private profile of the target organisation (:profileId), and the vendor's answer (:answerId)
 * with an evidence file (:evidenceId) and a review by the target organisation. The owner of the
 * target organisation may change vendors and products too; answering for a product is for the
 * vendor's own owner (see `byVendor`). Of joint sets: a set (:setId) coordinated by the target
 * organisation with another buyer taking part (:organisationId), whose revision 1 was consulted on
 * (the other buyer's resolved comment, :commentId) and adopted, and whose revision 2 is a draft copy
 * of it (:number 2 with its item :itemId and empty section :sectionId for the routes that edit the
 * draft, :number 1 and :key EXP-001 for the rest).
 */

const LONG = 'x'.repeat(100_000);
/** Long enough to break every length limit, short enough for a URL (Node refuses request lines over 16 KB). */
const LONG_IN_URL = 'x'.repeat(5_000);
const ORG_NUMBER = orgNumberFrom('91234568');

type ActorKind = 'admin' | 'owner';
const ACTORS: ActorKind[] = ['admin', 'owner'];

type Fixtures = {
  org: OrganisationRow;
  owner: UserRow;
  member: UserRow;
  invitationId: string;
  invitationToken: string;
  /** Library and tender fixtures; the placeholders stand in where a route does not use them. */
  itemKey: string;
  draftId: string;
  selectionId: string;
  tenderId: string;
  /** The current versions of the tender and its first item (:itemId). */
  tenderVersion: number;
  itemId: string;
  itemVersion: number;
  sectionId: string;
  coBuyerId: string;
  /** The (unanswered) response sheet generated for the tender's issued revision 1. */
  sheet: Buffer;
  /** Vendor register and assessment fixtures; the placeholders stand in where a route does not use them. */
  vendor: OrganisationRow;
  vendorOwner: UserRow;
  vendorInvitationId: string;
  productId: string;
  versionId: string;
  usageId: string;
  profileId: string;
  answerId: string;
  /** The answer's current version (a review names it). */
  answerVersion: number;
  evidenceId: string;
  /** Joint-set fixtures; the placeholders stand in where a route does not use them. */
  setId: string;
  /** The other buyer taking part in the set. */
  jointPartnerId: string;
  /** Revision 1's (adopted) EXP-001, which the other buyer commented on. */
  jointItemId: string;
  /** Revision 2's (the draft's) first item and its empty section. */
  jointDraftItemId: string;
  jointDraftSectionId: string;
  commentId: string;
  /** Revision 1 exported as a package (importing it here again is 409: the revision is already here). */
  jointPackage: Buffer;
  /** A well-formed installation export holding nothing (importing it here is 409: this installation is not empty). */
  installationExport: Buffer;
};
type Session = { kind: ActorKind; user: UserRow; agent: supertest.Agent; csrf: string; tokenId: string };

/** A valid request to each API route that takes input; malformed cases change one part of it. */
type ValidRequest = {
  params?: (f: Fixtures, s: Session) => Record<string, string>;
  query?: (f: Fixtures) => Record<string, string>;
  /** Bad values for this route's query parameters, where they differ from BAD_QUERY. */
  badQuery?: Record<string, string[]>;
  body?: (f: Fixtures, s: Session) => Record<string, unknown>;
  /**
   * More valid bodies, for a body that takes exactly one of several fields: together the bodies
   * name every field, and each field's wrong values are sent in the first body that has it.
   */
  otherBodies?: (f: Fixtures, s: Session) => Record<string, unknown>[];
  /** An empty object is a valid body here (every field is optional). */
  emptyBodyIsValid?: boolean;
  /** The body is a multipart upload of these text fields and a file; it gets the upload cases of its UPLOADS entry. */
  multipart?: boolean;
  /**
   * Only the owners and editors of the product's vendor may do this, so the owner's cases are sent
   * by the fixture vendor's owner: the owner of the organisation the route is about.
   */
  byVendor?: boolean;
};

/** Valid content of a library item, every field given (so every field gets its wrong values). */
const ITEM_CONTENT = {
  kind: 'clause',
  category: 'export',
  type: 'V',
  weight: 10,
  themes: [2],
  title: { nb: 'Månedlig uttrekk av skoledata', en: 'Monthly extract of school data' },
  text: { nb: 'Leverandøren skal levere et fullt uttrekk hver {{intervalDays}}. dag.', en: 'The supplier shall deliver a full extract every {{intervalDays}} days.' },
  rationale: { nb: 'Skolen trenger ferske data.', en: 'The school needs fresh data.' },
  responseGuidance: { nb: 'Beskriv uttrekket.', en: 'Describe the extract.' },
  parameters: [{ name: 'intervalDays', type: 'integer', default: 30, min: 1, max: 90, label: { nb: 'Intervall (dager)', en: 'Interval (days)' } }],
  references: [{ source: 'eu-data-act', section: 'Art. 30(5)', note: { nb: 'Eksport i maskinlesbart format.', en: 'Export in a machine-readable format.' } }],
  verification: { method: 'sample-export', phases: ['tender', 'operation'], text: { nb: 'Kunden ber om et uttrekk og kontrollerer innholdet.', en: 'The customer requests an extract and checks its content.' } },
  evidence: [{ nb: 'Eksempel på uttrekk', en: 'Sample extract' }],
  ssa: { agreements: ['ssa-l', 'ssa-s'], annex: 'general-terms-changes', precedence: 'prevails', note: { nb: 'Går foran de generelle vilkårene om eksport.', en: 'Prevails over the general terms on export.' } },
  checks: [{ rule: 'export.parses' }, { rule: 'export.utf8' }],
  domains: ['school'],
  tags: ['school-data'],
  supersedes: 'EXP-002',
  changeNote: { nb: 'Ny utgave.', en: 'New edition.' },
};
/** The same content for the fixtures' own items, which supersede nothing. */
const FIXTURE_CONTENT = { ...ITEM_CONTENT, supersedes: null, changeNote: null } as unknown as ItemContent;
const CUSTOM_ITEM = { kind: 'requirement', type: 'V', weight: 10, title: 'Integrasjon mot læringsplattformen', text: 'Løsningen skal utveksle elevdata med læringsplattformen daglig.', responseGuidance: 'Beskriv integrasjonen.' };
const LIBRARY_FILTERS = { q: 'eksport', kind: 'requirement', category: 'export', type: 'A', domain: 'school', status: 'published', source: 'eu-data-act', theme: '2' };
/** In the library's filters an empty value means "any", so only wrong non-empty values are bad. */
const LIBRARY_BAD_QUERY = { kind: ['martian', 'REQUIREMENT'] };
const SEMVER_BAD = ['1.0', 'v1.0.0', '01.0.0', '', LONG_IN_URL];
/** A profile's version is a whole number; empty means the current one. */
const PROFILE_VERSION_BAD = ['0', '-1', '1.5', 'abc', '100001', '1e400', 'latest'];
/** A joint set's revision number is a whole number from 1 to 100000. */
/** An optional id in a query, where empty means "any". */
const ID_IN_QUERY_BAD = ['not-a-uuid', '12345', LONG_IN_URL];
const REVISION_NUMBER_BAD = ['0', '-1', '1.5', 'en', '100001', '1e400', ''];

const API: Record<string, ValidRequest> = {
  // Well-formed, but for an account that does not exist: if a malformed case were let through by
  // mistake, it must not log in again and replace the session the other cases use.
  'POST /api/session': { body: () => ({ email: 'nobody@example.no', password: 'not the password' }) },
  'PUT /api/me/password': { body: () => ({ currentPassword: TEST_PASSWORD, newPassword: 'another long passphrase' }) },
  'GET /api/me/tokens': { query: () => ({ page: '1', pageSize: '10' }) },
  'POST /api/me/tokens': { body: () => ({ name: 'Skript', expiresInDays: 30 }) },
  'DELETE /api/me/tokens/:tokenId': { params: (_f, s) => ({ tokenId: s.tokenId }) },
  'GET /api/organisations': { query: () => ({ kind: 'buyer', q: 'kommune', page: '1', pageSize: '10' }) },
  'POST /api/organisations': { body: (f) => ({ kind: 'council', name: `Nytt råd ${unique()}`, orgNumber: ORG_NUMBER, parentId: f.org.id }) },
  'GET /api/organisations/:orgId': { params: (f) => ({ orgId: f.org.id }) },
  'PATCH /api/organisations/:orgId': { params: (f) => ({ orgId: f.org.id }), body: (f) => ({ name: `Nytt navn ${unique()}`, orgNumber: ORG_NUMBER, version: f.org.version }) },
  'GET /api/organisations/:orgId/members': { params: (f) => ({ orgId: f.org.id }), query: () => ({ page: '1', pageSize: '10' }) },
  'GET /api/organisations/:orgId/members/:userId': { params: (f) => ({ orgId: f.org.id, userId: f.member.id }) },
  'PUT /api/organisations/:orgId/members/:userId': { params: (f) => ({ orgId: f.org.id, userId: f.member.id }), body: () => ({ role: 'viewer', version: 1 }) },
  'DELETE /api/organisations/:orgId/members/:userId': { params: (f) => ({ orgId: f.org.id, userId: f.member.id }) },
  'GET /api/organisations/:orgId/invitations': { params: (f) => ({ orgId: f.org.id }), query: () => ({ page: '1', pageSize: '10' }) },
  'POST /api/organisations/:orgId/invitations': { params: (f) => ({ orgId: f.org.id }), body: () => ({ email: `ny-${unique()}@example.no`, role: 'viewer' }) },
  'DELETE /api/organisations/:orgId/invitations/:invitationId': { params: (f) => ({ orgId: f.org.id, invitationId: f.invitationId }) },
  'POST /api/invitations/:token/accept': { params: (f) => ({ token: f.invitationToken }), body: () => ({ name: 'Ny Bruker', password: 'a long enough password' }), emptyBodyIsValid: true },
  'GET /api/audit': {
    query: (f) => ({ organisationId: f.org.id, action: 'organisation.updated', entityType: 'organisation', entityId: f.org.id, actor: 'someone@example.no', from: '2026-01-01', to: '2026-12-31', page: '1', pageSize: '10' }),
  },
  // Single sign-on. The providers are the administrator's; a case let through by mistake names a provider that does not exist.
  'GET /api/sso/providers': { query: () => ({ page: '1', pageSize: '10' }) },
  'GET /api/me/identities': { query: () => ({ page: '1', pageSize: '10' }) },
  'GET /api/identity-providers': { query: () => ({ page: '1', pageSize: '10' }) },
  'POST /api/identity-providers': {
    body: (f) => ({
      slug: `idp-${unique()}`,
      displayName: 'Kommunens Entra ID',
      issuer: 'https://login.example.no/kommune',
      clientId: 'datakrav',
      organisationId: f.org.id,
      scopes: 'openid email profile',
      roleClaim: 'groups',
      jitAllowed: false,
      useUserinfo: false,
      enabled: false,
      clientSecret: 'en hemmelighet',
    }),
  },
  'GET /api/identity-providers/:providerId': { params: () => ({ providerId: PROVIDER_ID }) },
  'PATCH /api/identity-providers/:providerId': {
    params: () => ({ providerId: PROVIDER_ID }),
    body: (f) => ({
      slug: `idp-${unique()}`,
      displayName: 'Kommunens Entra ID',
      issuer: 'https://login.example.no/kommune',
      clientId: 'datakrav',
      organisationId: f.org.id,
      scopes: 'openid email profile',
      roleClaim: 'groups',
      jitAllowed: false,
      useUserinfo: false,
      enabled: false,
      clientSecret: 'en ny hemmelighet',
    }),
    emptyBodyIsValid: true,
  },
  'DELETE /api/identity-providers/:providerId': { params: () => ({ providerId: PROVIDER_ID }) },
  'GET /api/organisations/:orgId/sso': { params: (f) => ({ orgId: f.org.id }) },
  'POST /api/organisations/:orgId/sso/role-mappings': { params: (f) => ({ orgId: f.org.id }), body: () => ({ claimValue: 'datakrav-lesere', role: 'viewer' }) },
  'DELETE /api/organisations/:orgId/sso/role-mappings/:mappingId': { params: (f) => ({ orgId: f.org.id, mappingId: MAPPING_ID }) },
  'PUT /api/organisations/:orgId/sso/policy': { params: (f) => ({ orgId: f.org.id }), body: () => ({ requireSso: false }) },
  'GET /api/audit/verify': { query: (f) => ({ organisationId: f.org.id }) },
  'POST /api/exit/exports': { body: (f) => ({ scope: 'organisation', organisationId: f.org.id }) },
  'GET /api/exit/exports/:exportId': { params: () => ({ exportId: EXPORT_ID }) },
  'GET /api/exit/exports/:exportId/download': { params: () => ({ exportId: EXPORT_ID }) },
  'POST /api/exit/imports': { body: () => ({}), emptyBodyIsValid: true, multipart: true },
  'GET /api/exit/imports/:importId': { params: () => ({ importId: IMPORT_ID }) },

  // The library. A case let through by mistake acts on the target organisation's own item and draft.
  'GET /api/library/items': { query: () => ({ ...LIBRARY_FILTERS, sort: 'key', page: '1', pageSize: '10' }), badQuery: LIBRARY_BAD_QUERY },
  'POST /api/library/items': { body: (f) => ({ ...ITEM_CONTENT, key: 'ZZZ-999', organisationId: f.org.id }) },
  'GET /api/library/items/:key': { params: (f) => ({ key: f.itemKey }), query: () => ({ version: '1.1.0' }) },
  'GET /api/library/items/:key/versions': { params: (f) => ({ key: f.itemKey }), query: () => ({ page: '1', pageSize: '10' }) },
  'GET /api/library/items/:key/diff': { params: (f) => ({ key: f.itemKey }), query: () => ({ from: '1.1.0', to: '1.1.0' }), badQuery: { from: SEMVER_BAD, to: SEMVER_BAD } },
  'GET /api/library/items/:key/export': { params: (f) => ({ key: f.itemKey }) },
  'POST /api/library/items/:key/drafts': { params: (f) => ({ key: f.itemKey }), body: (f) => ({ organisationId: f.org.id }), emptyBodyIsValid: true },
  'POST /api/library/items/:key/deprecate': { params: (f) => ({ key: f.itemKey }), body: () => ({ replacedBy: 'EXP-002' }), emptyBodyIsValid: true },
  'GET /api/library/drafts': { query: () => ({ page: '1', pageSize: '10' }) },
  'GET /api/library/sources': { query: () => ({ page: '1', pageSize: '10' }) },
  'GET /api/library/drafts/:draftId': { params: (f) => ({ draftId: f.draftId }) },
  'PUT /api/library/drafts/:draftId': { params: (f) => ({ draftId: f.draftId }), body: () => ({ ...ITEM_CONTENT, version: 1 }) },
  'DELETE /api/library/drafts/:draftId': { params: (f) => ({ draftId: f.draftId }) },
  'POST /api/library/drafts/:draftId/publish': { params: (f) => ({ draftId: f.draftId }), body: () => ({ level: 'major', changeNote: { nb: 'Første utgave.', en: 'First edition.' }, version: 1 }) },
  'POST /api/library/render': { body: () => ({ key: 'EXP-001', version: '1.1.0', values: { exportHours: 36 }, languages: ['nb'] }) },
  'GET /api/library/export': { query: () => ({ ...LIBRARY_FILTERS, format: 'json' }), badQuery: LIBRARY_BAD_QUERY },
  'GET /api/library/packs/:pack': { params: () => ({ pack: PACK }) },
  // Kravbank: a bank into the library as drafts of the target organisation, or into the fixture tender.
  'POST /api/library/kravbank/import': { body: (f) => ({ keyPrefix: 'KRB', category: 'export', themes: '2', domains: 'school', organisationId: f.org.id }), multipart: true },
  'POST /api/tenders/:tenderId/kravbank': { params: (f) => ({ tenderId: f.tenderId }), body: () => ({}), emptyBodyIsValid: true, multipart: true },
  // A revision number has no upper bound here: a high one is well-formed, and 404 if never issued.
  'GET /api/tenders/:tenderId/kravbank': { params: (f) => ({ tenderId: f.tenderId }), query: () => ({ revision: '1' }), badQuery: { revision: ['0', '-1', '1.5', 'abc', '1e400'] } },
  'GET /api/library/selections': { query: () => ({ page: '1', pageSize: '10' }) },
  'POST /api/library/selections': { body: (f) => ({ name: 'Utvalg', keys: ['EXP-001'], organisationId: f.org.id }) },
  'DELETE /api/library/selections/:selectionId': { params: (f) => ({ selectionId: f.selectionId }) },

  // Tenders.
  'GET /api/tenders': { query: () => ({ q: 'skole', status: 'issued', page: '1', pageSize: '10' }) },
  'POST /api/tenders': {
    body: (f) => ({ title: 'Nytt fagsystem', reference: '2026/999', domain: 'school', description: 'Beskrivelse', language: 'nb', contactName: 'Ina Innkjøper', contactEmail: 'innkjop@example.no', deadline: '2027-03-31', organisationId: f.org.id }),
  },
  'GET /api/tenders/:tenderId': { params: (f) => ({ tenderId: f.tenderId }) },
  'PUT /api/tenders/:tenderId': {
    params: (f) => ({ tenderId: f.tenderId }),
    body: (f) => ({ title: 'Nytt navn', reference: '2026/998', domain: 'school', description: 'Beskrivelse', language: 'en', contactName: 'Ina Innkjøper', contactEmail: 'innkjop@example.no', deadline: '2027-03-31', parameterDefaults: { exportHours: 24 }, version: f.tenderVersion }),
  },
  'GET /api/tenders/:tenderId/items': { params: (f) => ({ tenderId: f.tenderId }) },
  'POST /api/tenders/:tenderId/items': {
    params: (f) => ({ tenderId: f.tenderId }),
    body: () => ({ keys: ['EXP-002'] }),
    otherBodies: (f) => [{ pick: 'domain' }, { clausesOf: 'pricing' }, { selectionId: f.selectionId }, { pack: PACK }, { custom: { ...CUSTOM_ITEM, sectionId: f.sectionId } }],
  },
  'GET /api/tenders/:tenderId/items/:itemId': { params: (f) => ({ tenderId: f.tenderId, itemId: f.itemId }) },
  'PUT /api/tenders/:tenderId/items/:itemId': {
    params: (f) => ({ tenderId: f.tenderId, itemId: f.itemId }),
    body: (f) => ({ type: 'V', weight: 10, parameterValues: { exportHours: 24 }, sectionId: f.sectionId, title: 'Nytt krav', text: 'Løsningen skal gjøre noe nyttig.', responseGuidance: 'Beskriv.', version: f.itemVersion }),
  },
  'DELETE /api/tenders/:tenderId/items/:itemId': { params: (f) => ({ tenderId: f.tenderId, itemId: f.itemId }) },
  'POST /api/tenders/:tenderId/items/:itemId/move': { params: (f) => ({ tenderId: f.tenderId, itemId: f.itemId }), body: () => ({ direction: 'down', version: 1 }) },
  'POST /api/tenders/:tenderId/items/:itemId/upgrade': { params: (f) => ({ tenderId: f.tenderId, itemId: f.itemId }), body: () => ({ version: 1 }) },
  'POST /api/tenders/:tenderId/weights/normalise': { params: (f) => ({ tenderId: f.tenderId }) },
  'POST /api/tenders/:tenderId/sections': { params: (f) => ({ tenderId: f.tenderId }), body: () => ({ title: 'Ny seksjon' }) },
  'PUT /api/tenders/:tenderId/sections/:sectionId': { params: (f) => ({ tenderId: f.tenderId, sectionId: f.sectionId }), body: () => ({ title: 'Nytt navn', version: 1 }) },
  'DELETE /api/tenders/:tenderId/sections/:sectionId': { params: (f) => ({ tenderId: f.tenderId, sectionId: f.sectionId }) },
  'POST /api/tenders/:tenderId/sections/:sectionId/move': { params: (f) => ({ tenderId: f.tenderId, sectionId: f.sectionId }), body: () => ({ direction: 'up', version: 1 }) },
  'PUT /api/tenders/:tenderId/co-buyers/:organisationId': { params: (f) => ({ tenderId: f.tenderId, organisationId: f.coBuyerId }), body: () => ({ canEdit: true, version: 1 }) },
  'DELETE /api/tenders/:tenderId/co-buyers/:organisationId': { params: (f) => ({ tenderId: f.tenderId, organisationId: f.coBuyerId }) },
  'GET /api/tenders/:tenderId/checks': { params: (f) => ({ tenderId: f.tenderId }) },
  'POST /api/tenders/:tenderId/issue': { params: (f) => ({ tenderId: f.tenderId }) },
  'POST /api/tenders/:tenderId/close': { params: (f) => ({ tenderId: f.tenderId }) },
  'GET /api/tenders/:tenderId/revisions': { params: (f) => ({ tenderId: f.tenderId }), query: () => ({ page: '1', pageSize: '10' }) },
  'GET /api/tenders/:tenderId/documents/:document': { params: (f) => ({ tenderId: f.tenderId, document: 'requirements.json' }), query: () => ({ revision: '1' }) },
  // Machine check runs: of the fixture answer, version and tender; a run id that names no run.
  // An empty id means "any", so only wrong non-empty ids are bad.
  'GET /api/check-runs': {
    query: (f) => ({ answerId: f.answerId, productVersionId: f.versionId, tenderId: f.tenderId, page: '1', pageSize: '10' }),
    badQuery: { answerId: ID_IN_QUERY_BAD, productVersionId: ID_IN_QUERY_BAD, tenderId: ID_IN_QUERY_BAD },
  },
  'GET /api/check-runs/:checkRunId': { params: () => ({ checkRunId: CHECK_RUN_ID }) },
  'GET /api/check-runs/:checkRunId/status': { params: () => ({ checkRunId: CHECK_RUN_ID }) },
  'POST /api/check-runs/:checkRunId/rerun': { params: () => ({ checkRunId: CHECK_RUN_ID }), body: () => ({}), emptyBodyIsValid: true },
  'POST /api/tenders/:tenderId/check-runs': { params: (f) => ({ tenderId: f.tenderId }), body: () => ({ bidder: 'Tenkt Leverandør AS' }), multipart: true },
  'GET /api/tenders/:tenderId/responses': { params: (f) => ({ tenderId: f.tenderId }), query: () => ({ page: '1', pageSize: '10' }) },
  'POST /api/tenders/:tenderId/responses': { params: (f) => ({ tenderId: f.tenderId }), body: () => ({ vendorName: 'Tenkt Leverandør AS', revision: '1' }), multipart: true },

  // Assessment profiles. A case let through by mistake acts on the target organisation's own profile.
  'GET /api/profiles': { query: () => ({ q: 'profil', page: '1', pageSize: '10' }) },
  'POST /api/profiles': {
    body: (f) => ({ name: `Ny profil ${unique()}`, description: 'Krav til fagsystemer i skolen.', visibility: 'private', organisationId: f.org.id, items: [{ key: 'EXP-001', version: '1.1.0', type: 'V', weight: 10 }] }),
    otherBodies: (f) => [{ name: `Ny profil ${unique()}`, tenderId: f.tenderId }],
  },
  'GET /api/profiles/:profileId': { params: (f) => ({ profileId: f.profileId }), query: () => ({ version: '1' }), badQuery: { version: PROFILE_VERSION_BAD } },
  'PUT /api/profiles/:profileId': {
    params: (f) => ({ profileId: f.profileId }),
    body: () => ({ name: 'Nytt profilnavn', description: 'Ny beskrivelse.', visibility: 'shared', items: [{ key: 'EXP-001' }, { key: 'API-003' }], changeNote: 'Ny utgave.', version: 1 }),
  },
  'DELETE /api/profiles/:profileId': { params: (f) => ({ profileId: f.profileId }) },
  'GET /api/profiles/:profileId/requests': { params: (f) => ({ profileId: f.profileId }), query: () => ({ page: '1', pageSize: '10' }) },
  'POST /api/profiles/:profileId/requests': { params: (f) => ({ profileId: f.profileId }), body: (f) => ({ productId: f.productId, organisationId: f.org.id }) },

  // Answers, reviews and the thread, of the vendor's product version.
  'GET /api/assessments/answers': { query: (f) => ({ productVersionId: f.versionId, profileId: f.profileId, page: '1', pageSize: '10' }) },
  'POST /api/assessments/answers': {
    body: (f) => ({
      productVersionId: f.versionId,
      key: 'API-003',
      major: 1,
      status: 'meets',
      explanation: 'Fullt API for elevdata.',
      links: [{ url: 'https://leverandor.example/api', title: 'API-dokumentasjon' }],
      validUntil: '2027-12-31',
      version: 1,
    }),
    byVendor: true,
  },
  'GET /api/assessments/answers/:answerId': { params: (f) => ({ answerId: f.answerId }) },
  'POST /api/assessments/answers/:answerId/evidence': { params: (f) => ({ answerId: f.answerId }), body: () => ({}), emptyBodyIsValid: true, multipart: true, byVendor: true },
  'GET /api/assessments/evidence/:evidenceId': { params: (f) => ({ evidenceId: f.evidenceId }) },
  'POST /api/assessments/answers/:answerId/verifications': {
    params: (f) => ({ answerId: f.answerId }),
    body: (f) => ({ decision: 'accepted', noteForVendor: 'Godkjent.', internalNote: 'Sjekket mot uttrekket.', organisationId: f.org.id, version: f.answerVersion }),
  },
  'GET /api/assessments/answers/:answerId/messages': { params: (f) => ({ answerId: f.answerId }), query: () => ({ page: '1', pageSize: '10' }) },
  'POST /api/assessments/answers/:answerId/messages': { params: (f) => ({ answerId: f.answerId }), body: (f) => ({ body: 'Kan dere sende et eksempel på uttrekket?', organisationId: f.org.id }) },

  // Scores, comparison and the review queue against the target organisation's profile.
  'GET /api/assessments/scores': { query: (f) => ({ profileId: f.profileId, productVersionId: f.versionId }) },
  'GET /api/assessments/comparison': { query: (f) => ({ profileId: f.profileId, domain: 'school', q: 'fag', page: '1', pageSize: '10' }) },
  'GET /api/assessments/ranking': { query: (f) => ({ profileId: f.profileId, domain: 'school', q: 'fag', basis: 'verified', page: '1', pageSize: '10' }) },
  'GET /api/assessments/comparison/export': { query: (f) => ({ profileId: f.profileId, domain: 'school', q: 'fag', basis: 'verified', format: 'csv' }), badQuery: { format: ['pdf', 'CSV', 'json', ''] } },
  'GET /api/assessments/chart': { query: (f) => ({ profileId: f.profileId, domain: 'school', q: 'fag', basis: 'claimed', limit: '10' }) },
  'GET /api/assessments/queue': { query: (f) => ({ reason: 'expired', profileId: f.profileId, page: '1', pageSize: '10' }) },
  'GET /api/assessments/feedback': { query: () => ({ page: '1', pageSize: '10' }) },
  // The register is closed in this app (PUBLIC_REGISTER is off); a malformed query is refused before that.
  'GET /api/register': { query: (f) => ({ profileId: f.profileId, page: '1', pageSize: '10' }) },

  // The vendor register. The owner of the target organisation (a buyer) may change vendors and products.
  'GET /api/vendors': { query: () => ({ q: 'leverandør', page: '1', pageSize: '10' }) },
  'POST /api/vendors': { body: () => ({ name: `Ny leverandør ${unique()} AS`, orgNumber: freshOrgNumber(), website: 'https://leverandor.example' }) },
  'GET /api/vendors/:vendorId': { params: (f) => ({ vendorId: f.vendor.id }) },
  'PATCH /api/vendors/:vendorId': {
    params: (f) => ({ vendorId: f.vendor.id }),
    body: (f) => ({ name: `Nytt leverandørnavn ${unique()} AS`, orgNumber: f.vendor.orgNumber, website: 'https://leverandor.example', version: f.vendor.version }),
  },
  'GET /api/vendors/:vendorId/invitations': { params: (f) => ({ vendorId: f.vendor.id }), query: () => ({ page: '1', pageSize: '10' }) },
  'POST /api/vendors/:vendorId/invitations': { params: (f) => ({ vendorId: f.vendor.id }), body: () => ({ email: `kontakt-${unique()}@example.no` }) },
  'DELETE /api/vendors/:vendorId/invitations/:invitationId': { params: (f) => ({ vendorId: f.vendor.id, invitationId: f.vendorInvitationId }) },
  'GET /api/products': { query: (f) => ({ q: 'fag', domain: 'school', deployment: 'saas', vendorId: f.vendor.id, page: '1', pageSize: '10' }) },
  'POST /api/products': { body: (f) => ({ vendorId: f.vendor.id, name: `Fagsystem ${unique()}`, description: 'Et fagsystem for skolen.', domains: ['school'], deployment: 'saas' }) },
  'GET /api/products/:productId': { params: (f) => ({ productId: f.productId }) },
  'PATCH /api/products/:productId': {
    params: (f) => ({ productId: f.productId }),
    body: () => ({ name: `Fagsystem ${unique()}`, description: 'Ny beskrivelse.', domains: ['school'], deployment: 'hosted', version: 1 }),
  },
  'GET /api/products/:productId/versions': { params: (f) => ({ productId: f.productId }), query: () => ({ page: '1', pageSize: '10' }) },
  'POST /api/products/:productId/versions': { params: (f) => ({ productId: f.productId }), body: () => ({ label: `2.${unique()}`, releaseDate: '2026-05-01' }) },
  'GET /api/products/:productId/versions/:versionId': { params: (f) => ({ productId: f.productId, versionId: f.versionId }) },
  'PATCH /api/products/:productId/versions/:versionId': {
    params: (f) => ({ productId: f.productId, versionId: f.versionId }),
    body: () => ({ label: `1.${unique()}`, releaseDate: '2026-02-01', version: 1 }),
  },

  // Usages of the target organisation.
  'GET /api/usages': { query: (f) => ({ organisationId: f.org.id, productId: f.productId, page: '1', pageSize: '10' }) },
  'POST /api/usages': {
    body: (f) => ({ organisationId: f.org.id, productId: f.productId, contractStart: '2025-01-01', contractEnd: '2028-12-31', noticeMonths: 6, exitPlanStatus: 'draft', note: 'Rammeavtale.' }),
  },
  'GET /api/usages/exposure': { query: (f) => ({ organisationId: f.org.id, horizonMonths: '12' }) },
  'GET /api/usages/:usageId': { params: (f) => ({ usageId: f.usageId }) },
  'PATCH /api/usages/:usageId': {
    params: (f) => ({ usageId: f.usageId }),
    body: () => ({ contractStart: '2025-01-01', contractEnd: '2027-06-30', noticeMonths: 3, exitPlanStatus: 'approved', note: 'Exitplanen er godkjent.', version: 1 }),
  },
  'DELETE /api/usages/:usageId': { params: (f) => ({ usageId: f.usageId }) },

  // Joint requirement sets. :number 1 is adopted, 2 is a draft copy of it.
  'GET /api/joint-sets': { query: () => ({ page: '1', pageSize: '10' }) },
  'POST /api/joint-sets': { body: (f) => ({ title: 'Felles kravsett', description: 'Storbyenes felles krav.', domain: 'school', isPublic: false, organisationId: f.org.id }) },
  'POST /api/joint-sets/import': { body: (f) => ({ organisationId: f.org.id }), emptyBodyIsValid: true, multipart: true },
  'GET /api/joint-sets/:setId': { params: (f) => ({ setId: f.setId }) },
  'PATCH /api/joint-sets/:setId': { params: (f) => ({ setId: f.setId }), body: () => ({ title: 'Nytt navn på kravsettet', description: 'Ny beskrivelse.', domain: 'school', isPublic: false, version: 1 }) },
  'PUT /api/joint-sets/:setId/participants/:organisationId': { params: (f) => ({ setId: f.setId, organisationId: f.jointPartnerId }), body: () => ({ version: 1 }) },
  'DELETE /api/joint-sets/:setId/participants/:organisationId': { params: (f) => ({ setId: f.setId, organisationId: f.jointPartnerId }) },
  'POST /api/joint-sets/:setId/invitation': { params: (f) => ({ setId: f.setId }), body: (f) => ({ response: 'accept', organisationId: f.org.id }) },
  'POST /api/joint-sets/:setId/revisions': { params: (f) => ({ setId: f.setId }), body: () => ({ changeNote: 'Årlig revisjon.' }), emptyBodyIsValid: true },
  'GET /api/joint-sets/:setId/revisions/:number': { params: (f) => ({ setId: f.setId, number: '1' }) },
  'POST /api/joint-sets/:setId/revisions/:number/items': { params: (f) => ({ setId: f.setId, number: '2' }), body: () => ({ keys: ['EXP-002'] }) },
  'PUT /api/joint-sets/:setId/revisions/:number/items/:itemId': {
    params: (f) => ({ setId: f.setId, number: '2', itemId: f.jointDraftItemId }),
    body: (f) => ({ type: 'A', weight: 10, parameterValues: { exportHours: 36 }, sectionId: f.jointDraftSectionId, libraryVersion: '1.1.0', version: 1 }),
  },
  'DELETE /api/joint-sets/:setId/revisions/:number/items/:itemId': { params: (f) => ({ setId: f.setId, number: '2', itemId: f.jointDraftItemId }) },
  'POST /api/joint-sets/:setId/revisions/:number/sections': { params: (f) => ({ setId: f.setId, number: '2' }), body: () => ({ title: 'Ny seksjon' }) },
  'PUT /api/joint-sets/:setId/revisions/:number/sections/:sectionId': { params: (f) => ({ setId: f.setId, number: '2', sectionId: f.jointDraftSectionId }), body: () => ({ title: 'Nytt seksjonsnavn', version: 1 }) },
  'DELETE /api/joint-sets/:setId/revisions/:number/sections/:sectionId': { params: (f) => ({ setId: f.setId, number: '2', sectionId: f.jointDraftSectionId }) },
  'POST /api/joint-sets/:setId/revisions/:number/transition': { params: (f) => ({ setId: f.setId, number: '2' }), body: () => ({ to: 'consultation', version: 1 }) },
  // Revision 1 is adopted, so even a valid comment or resolution is refused (409), and a case let through by mistake stores nothing.
  'POST /api/joint-sets/:setId/revisions/:number/comments': { params: (f) => ({ setId: f.setId, number: '1' }), body: (f) => ({ itemId: f.jointItemId, position: 'change', text: 'Vi foreslår 48 timer.', organisationId: f.org.id }) },
  'PUT /api/joint-sets/:setId/revisions/:number/comments/:commentId/resolution': { params: (f) => ({ setId: f.setId, number: '1', commentId: f.commentId }), body: () => ({ resolution: 'noted', response: 'Tatt til orientering.', version: 1 }) },
  'GET /api/joint-sets/:setId/revisions/:number/consultation-report': { params: (f) => ({ setId: f.setId, number: '1' }) },
  'GET /api/joint-sets/:setId/revisions/:number/coordination': { params: (f) => ({ setId: f.setId, number: '1' }) },
  'POST /api/joint-sets/:setId/revisions/:number/signoffs': { params: (f) => ({ setId: f.setId, number: '1' }), body: (f) => ({ decision: 'signed', note: 'Vedtatt av kommunedirektøren.', organisationId: f.org.id }) },
  'GET /api/joint-sets/:setId/revisions/:number/deviations': { params: (f) => ({ setId: f.setId, number: '1' }), query: () => ({ page: '1', pageSize: '10' }) },
  'PUT /api/joint-sets/:setId/revisions/:number/deviations/:key': {
    params: (f) => ({ setId: f.setId, number: '1', key: 'EXP-001' }),
    // A deviation that leaves the item out takes no type, weight or values, so the valid body changes the item.
    body: (f) => ({ kind: 'change', type: 'AV', weight: 10, parameterValues: { exportHours: 48 }, justification: 'Vi har store datamengder.', organisationId: f.org.id, version: 1 }),
  },
  'DELETE /api/joint-sets/:setId/revisions/:number/deviations/:key': { params: (f) => ({ setId: f.setId, number: '1', key: 'EXP-001' }), query: (f) => ({ organisationId: f.org.id }) },
  'GET /api/joint-sets/:setId/diff': { params: (f) => ({ setId: f.setId }), query: () => ({ from: '1', to: '2' }), badQuery: { from: REVISION_NUMBER_BAD, to: REVISION_NUMBER_BAD } },
  'POST /api/joint-sets/:setId/revisions/:number/tenders': {
    params: (f) => ({ setId: f.setId, number: '1' }),
    body: (f) => ({ title: 'Anskaffelse fra kravsettet', reference: `FK-${unique()}`, language: 'nb', contactName: 'Kari Innkjøper', contactEmail: 'kari@example.no', deadline: '2027-03-31', organisationId: f.org.id }),
  },
  'POST /api/joint-sets/:setId/revisions/:number/profiles': { params: (f) => ({ setId: f.setId, number: '1' }), body: (f) => ({ name: 'Profil fra kravsettet', description: 'Kravene i kravsettet.', visibility: 'private', organisationId: f.org.id }) },
  'GET /api/joint-sets/:setId/revisions/:number/package': { params: (f) => ({ setId: f.setId, number: '1' }) },
};

/**
 * One malformed request. `stage: 'parser'` cases are refused by the body parser before any
 * route runs, so even a caller without access gets the parser's answer; `route` cases reach
 * the route, where an owner calling an administrator's route is refused first; `service` cases
 * are valid requests up to an uploaded file, which reach the service, where a caller who may
 * not upload there is refused first (see `UploadDescription.refused`).
 */
type Expectation = { status: number; code: string; field?: string };
type MalformedCase = {
  name: string;
  stage: 'parser' | 'route' | 'service';
  expect: Expectation;
  params?: Record<string, string>;
  query?: (valid: Record<string, string>) => string;
  /** Which valid body the case changes: 0 the route's `body`, n its n-th `otherBodies`. */
  bodyIndex?: number;
  /** A body that names no version: an update of a versioned entity answers 428 for it before anything else. */
  versionFirst?: boolean;
  send?: (request: supertest.Test, valid: Record<string, unknown>) => supertest.Test;
};

const validation = (field?: string): Expectation => ({ status: 400, code: 'validation.failed', ...(field ? { field } : {}) });
const json = (request: supertest.Test, text: string) => request.set('Content-Type', 'application/json').send(text);

/** Values of the wrong type for a field whose valid value is a string. */
const NOT_A_STRING: [string, unknown][] = [
  ['a number', 12345],
  ['true', true],
  ['false', false],
  ['null', null],
  ['an empty array', []],
  ['an array of strings', ['text']],
  ['an empty object', {}],
  ['an object', { value: 'text' }],
];
/**
 * Values of the wrong type or range for a number field. Booleans are left out: the number
 * fields coerce, so `true` reads as 1.
 */
const NOT_A_NUMBER: [string, unknown][] = [
  ['a word', 'seven'],
  ['null', null],
  ['an empty array', []],
  ['an array of numbers', [1, 2]],
  ['an object', {}],
  ['a negative number', -1],
  ['zero', 0],
  ['a fraction', 1.5],
  ['a huge number', 1e308],
  ['a 100000-character string', LONG],
];
/** Values of the wrong type for a boolean field: no coercion, not even from "true". */
const NOT_A_BOOLEAN: [string, unknown][] = [
  ['a word', 'yes'],
  ['the text "true"', 'true'],
  ['a number', 1],
  ['null', null],
  ['an empty array', []],
  ['an object', {}],
];
/** Values of the wrong type for a list field. */
const NOT_A_LIST: [string, unknown][] = [
  ['a string', 'text'],
  ['a number', 12345],
  ['true', true],
  ['null', null],
  ['an object', { value: 'text' }],
  ['an empty array', []],
  ['an array holding null', [null]],
  ['an array holding an array', [[]]],
  ['a 100000-character string', LONG],
];
/** Values of the wrong type for an object field; the last one is the valid object with a field too many. */
function notAnObject(valid: object): [string, unknown][] {
  return [
    ['a string', 'text'],
    ['a number', 12345],
    ['true', true],
    ['null', null],
    ['an array', [valid]],
    ['an empty object', {}],
    ['an object with an unknown field', { ...valid, isAdmin: true }],
  ];
}
function wrongValuesFor(value: unknown): [string, unknown][] {
  if (typeof value === 'number') return NOT_A_NUMBER;
  if (typeof value === 'boolean') return NOT_A_BOOLEAN;
  if (Array.isArray(value)) return NOT_A_LIST;
  if (value && typeof value === 'object') return notAnObject(value);
  if (typeof value === 'string') return [...NOT_A_STRING, ['a 100000-character string', LONG]];
  throw new Error(`give a valid body field a value that is not ${String(value)}, so it gets wrong values`);
}
/** Values the schema accepts on purpose although they look wrong, by route, field and the label of the value. */
const ACCEPTED: Record<string, string[]> = {
  // `orgNumber: null` removes the organisation number.
  'PATCH /api/organisations/:orgId orgNumber': ['null'],
  // A library item: no parameters and no tags are fine, a weight of 0 is "not weighted", an item supersedes nothing or has no change note yet, and a requirement has no SSA alignment.
  ...Object.fromEntries(
    ['POST /api/library/items', 'PUT /api/library/drafts/:draftId'].flatMap((key) => [
      [`${key} parameters`, ['an empty array']],
      [`${key} tags`, ['an empty array']],
      [`${key} weight`, ['zero']],
      [`${key} supersedes`, ['null']],
      [`${key} ssa`, ['null']],
      [`${key} changeNote`, ['null']],
      // An item that declares no machine checks.
      [`${key} checks`, ['an empty array']],
    ]),
  ),
  // Deprecating without a replacement.
  'POST /api/library/items/:key/deprecate replacedBy': ['null'],
  // Parameter values are checked against the item's parameters by the service (see `text the database cannot store` and the library tests).
  'POST /api/library/render values': ['an empty object', 'an object with an unknown field'],
  // A tender without a domain or a deadline; clearing the tender-wide parameter values.
  'POST /api/tenders domain': ['null'],
  'POST /api/tenders deadline': ['null'],
  'PUT /api/tenders/:tenderId domain': ['null'],
  'PUT /api/tenders/:tenderId deadline': ['null'],
  'PUT /api/tenders/:tenderId parameterDefaults': ['an empty object'],
  // An item weighted 0; clearing an item's own parameter values.
  'PUT /api/tenders/:tenderId/items/:itemId weight': ['zero'],
  'PUT /api/tenders/:tenderId/items/:itemId parameterValues': ['an empty object'],
  // A profile may start without items and get them later (the page's key list may be empty too), and a change may remove them all.
  'POST /api/profiles items': ['an empty array'],
  'PUT /api/profiles/:profileId items': ['an empty array'],
  // An answer without links or an end date; revision 0 is a first answer, and 0.x is a released major version like any other.
  'POST /api/assessments/answers links': ['an empty array'],
  'POST /api/assessments/answers validUntil': ['null'],
  'POST /api/assessments/answers major': ['zero'],
  // A vendor without a website; `website: null` removes it.
  'POST /api/vendors website': ['null'],
  'PATCH /api/vendors/:vendorId website': ['null'],
  // A version without a release date; `releaseDate: null` removes it.
  'POST /api/products/:productId/versions releaseDate': ['null'],
  'PATCH /api/products/:productId/versions/:versionId releaseDate': ['null'],
  // A usage with an unknown contract period or notice period (null clears them), and a contract without a notice period.
  ...Object.fromEntries(
    ['POST /api/usages', 'PATCH /api/usages/:usageId'].flatMap((key) => [
      [`${key} contractStart`, ['null']],
      [`${key} contractEnd`, ['null']],
      [`${key} noticeMonths`, ['null', 'zero']],
    ]),
  ),
  // A joint set for no particular domain; `domain: null` removes it.
  'POST /api/joint-sets domain': ['null'],
  'PATCH /api/joint-sets/:setId domain': ['null'],
  // A joint-set item weighted 0; clearing its own parameter values.
  'PUT /api/joint-sets/:setId/revisions/:number/items/:itemId weight': ['zero'],
  'PUT /api/joint-sets/:setId/revisions/:number/items/:itemId parameterValues': ['an empty object'],
  // A participant may weight an item 0 locally; changing no parameter values is fine when the type or weight changes (the service refuses a change that changes nothing).
  'PUT /api/joint-sets/:setId/revisions/:number/deviations/:key weight': ['zero'],
  'PUT /api/joint-sets/:setId/revisions/:number/deviations/:key parameterValues': ['an empty object'],
  // Version 0 declares a deviation the organisation has none of.
  'PUT /api/joint-sets/:setId/revisions/:number/deviations/:key version': ['zero'],
  // A provider without a client secret (a public client): `clientSecret: null` removes the stored one.
  'PATCH /api/identity-providers/:providerId clientSecret': ['null'],
  // A tender from the joint set without a deadline, as any tender.
  'POST /api/joint-sets/:setId/revisions/:number/tenders deadline': ['null'],
};

/** An update of a versioned entity says first that it names no version (the array's and the empty object's version are missing). */
const VERSION_REQUIRED: Expectation = { status: 428, code: 'precondition.version_required', field: 'version' };

function bodyCases(key: string, bodies: Record<string, unknown>[], request: ValidRequest): MalformedCase[] {
  const cases: MalformedCase[] = [
    { name: 'the body is malformed JSON text', stage: 'parser', expect: { status: 400, code: 'request.malformed_json' }, send: (r) => json(r, '{"name": "x",') },
    { name: 'the JSON has text after it', stage: 'parser', expect: { status: 400, code: 'request.malformed_json' }, send: (r, v) => json(r, `${JSON.stringify(v)} and more`) },
    { name: 'the body is null', stage: 'parser', expect: { status: 400, code: 'request.malformed_json' }, send: (r) => json(r, 'null') },
    { name: 'the body is a JSON string', stage: 'parser', expect: { status: 400, code: 'request.malformed_json' }, send: (r) => json(r, '"text"') },
    { name: 'the body is a JSON number', stage: 'parser', expect: { status: 400, code: 'request.malformed_json' }, send: (r) => json(r, '42') },
    { name: 'the body is in an unsupported charset', stage: 'parser', expect: { status: 415, code: 'request.unsupported_encoding' }, send: (r, v) => r.set('Content-Type', 'application/json; charset=latin1').send(JSON.stringify(v)) },
    { name: 'the body has an unknown content encoding', stage: 'parser', expect: { status: 415, code: 'request.unsupported_encoding' }, send: (r, v) => r.set('Content-Encoding', 'x-unknown').set('Content-Type', 'application/json').send(JSON.stringify(v)) },
    { name: 'the body is a JSON array instead of an object', stage: 'route', expect: validation('(body)'), versionFirst: true, send: (r, v) => r.send([v]) },
    { name: 'the body is deeply nested arrays', stage: 'route', expect: validation('(body)'), versionFirst: true, send: (r) => json(r, `${'['.repeat(5000)}${']'.repeat(5000)}`) },
    { name: 'the body has an unknown extra field', stage: 'route', expect: validation('(body)'), send: (r, v) => r.send({ ...v, isAdmin: true }) },
    { name: 'the body has a __proto__ field', stage: 'route', expect: validation('(body)'), send: (r, v) => json(r, JSON.stringify(v).replace(/^\{(?=.)/, (_m) => (Object.keys(v).length ? '{"__proto__":{"isAdmin":true},' : '{"__proto__":{"isAdmin":true}'))) },
    { name: 'the body is form-encoded', stage: 'route', expect: { status: 415, code: 'request.body_required' }, send: (r, v) => r.type('form').send(Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)]))) },
    { name: 'the JSON is sent as text/plain', stage: 'route', expect: { status: 415, code: 'request.body_required' }, send: (r, v) => r.set('Content-Type', 'text/plain').send(JSON.stringify(v)) },
    { name: 'there is no body', stage: 'route', expect: { status: 415, code: 'request.body_required' }, send: (r) => r },
  ];
  if (!request.emptyBodyIsValid) cases.push({ name: 'the body is an empty object', stage: 'route', expect: validation(), versionFirst: true, send: (r) => r.send({}) });
  if (bodies.length > 1) {
    // Exactly one of the alternatives: two at once is wrong.
    cases.push({ name: 'the body holds two alternatives at once', stage: 'route', expect: validation('(body)'), send: (r) => r.send({ ...bodies[0], ...bodies[1] }) });
  }
  const seen = new Set<string>();
  bodies.forEach((valid, bodyIndex) => {
    for (const [field, value] of Object.entries(valid)) {
      if (seen.has(field)) continue;
      seen.add(field);
      for (const [label, bad] of wrongValuesFor(value)) {
        if (ACCEPTED[`${key} ${field}`]?.includes(label)) continue;
        cases.push({ name: `${field} is ${label}`, stage: 'route', expect: validation(field), bodyIndex, send: (r, v) => r.send({ ...v, [field]: bad }) });
      }
    }
  });
  return cases;
}

type UploadFile = { field?: string; content: Buffer; name: string; type: string };
/**
 * What a multipart route reads and how it answers: wrong values of its text fields, a valid file,
 * and the answers to no file and to files refused for their type or content.
 */
type UploadDescription = {
  /** Wrong values of each text field (undefined: the field is left out), each sent with the valid file. */
  badFields: Record<string, [label: string, value: unknown][]>;
  /** A valid file. */
  file: () => UploadFile;
  /** The answer when no file is sent. */
  missingFile: Expectation;
  /** Files refused for their type or their content. */
  badFiles: { name: string; file: () => UploadFile; expect: Expectation }[];
  /** Valid text fields and file that the route still refuses. */
  otherCases?: { name: string; fields: Record<string, unknown>; expect: Expectation }[];
  /** Callers who may not upload here: their answer to every case that gets as far as the file. */
  refused?: Partial<Record<ActorKind, Expectation>>;
  /** The route asks for the file before the service looks at the caller, so no file is refused before the caller is. */
  fileFirst?: boolean;
};

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const sheetFile = (content: Buffer): UploadFile => ({ content, name: 'svar.xlsx', type: XLSX_TYPE });
const evidenceFile = (content: Buffer, name: string, type = 'application/octet-stream'): UploadFile => ({ content, name, type });
const packageFile = (content: Buffer): UploadFile => ({ content, name: 'kravsett.zip', type: 'application/zip' });
const PLACEHOLDER_ORG_ID = '00000000-0000-4000-8000-000000000001';
const KRAVBANK_BANK = readFileSync(join(__dirname, '../kravbank/fixtures/skole-bank.json'));
const kravbankFile = (content: Buffer, name = 'skole-bank.json', type = 'application/json'): UploadFile => ({ content, name, type });
/** Files that are not a Kravbank bank: refused before anything is imported. */
const KRAVBANK_BAD_FILES: UploadDescription['badFiles'] = [
  { name: 'the file is a text file', file: () => kravbankFile(Buffer.from('Ja, ja, ja'), 'bank.txt', 'text/plain'), expect: { status: 400, code: 'kravbank.not_json' } },
  { name: 'the file is empty', file: () => kravbankFile(Buffer.alloc(0)), expect: { status: 400, code: 'kravbank.not_json' } },
  { name: 'the file is the bank cut off halfway', file: () => kravbankFile(KRAVBANK_BANK.subarray(0, Math.floor(KRAVBANK_BANK.length / 2))), expect: { status: 400, code: 'kravbank.not_json' } },
  { name: 'the file is JSON but not a bank', file: () => kravbankFile(Buffer.from('{"title": "Ingen bank"}')), expect: { status: 400, code: 'kravbank.invalid_file' } },
  { name: 'the file is a JSON array', file: () => kravbankFile(Buffer.from('[1, 2, 3]')), expect: { status: 400, code: 'kravbank.invalid_file' } },
];
const checkFile = (content: Buffer, name: string, type = 'application/json'): UploadFile => ({ field: 'files', content, name, type });

const UPLOADS: Record<string, UploadDescription> = {
  // The response sheet of the fixture tender (unanswered, so even a case let through by mistake stores nothing).
  'POST /api/tenders/:tenderId/responses': {
    badFields: {
      vendorName: [
        ['missing', undefined],
        ['one character', 'X'],
        ['100000 characters', LONG],
        ['given twice', ['Første AS', 'Andre AS']],
      ],
      revision: ['abc', '0', '-1', '1.5', '1e400'].map((bad): [string, unknown] => [`"${bad}"`, bad]),
    },
    file: () => sheetFile(fixtures.sheet),
    missingFile: { status: 400, code: 'tender.response_file_missing' },
    badFiles: [
      { name: 'the file is a text file', file: () => ({ content: Buffer.from('Ja, ja, ja'), name: 'svar.txt', type: 'text/plain' }), expect: { status: 415, code: 'tender.response_sheet_invalid' } },
      { name: 'the file is named .xlsx but holds text', file: () => sheetFile(Buffer.from('Ja, ja, ja')), expect: { status: 422, code: 'tender.response_sheet_invalid' } },
      { name: 'the file is empty', file: () => sheetFile(Buffer.alloc(0)), expect: { status: 422, code: 'tender.response_sheet_invalid' } },
      { name: 'the file is a zip archive but not a spreadsheet', file: () => sheetFile(EMPTY_ZIP), expect: { status: 422, code: 'tender.response_sheet_invalid' } },
      { name: 'the file is the sheet cut off halfway', file: () => sheetFile(fixtures.sheet.subarray(0, Math.floor(fixtures.sheet.length / 2))), expect: { status: 422, code: 'tender.response_sheet_invalid' } },
    ],
    otherCases: [{ name: 'the sheet claims a revision that was never issued', fields: { revision: '2' }, expect: { status: 404, code: 'tender.revision_not_found' } }],
  },
  // Evidence for the fixture vendor's answer, sent by the vendor's owner. The administrator may not
  // upload evidence: the service refuses before it looks at the file.
  'POST /api/assessments/answers/:answerId/evidence': {
    badFields: {},
    file: () => evidenceFile(SAMPLE_FILES.txt, 'bevis.txt', 'text/plain'),
    missingFile: { status: 400, code: 'evidence.file_missing' },
    badFiles: [
      { name: 'the file is a program', file: () => evidenceFile(Buffer.from('4d5a90000300000004000000ffff0000', 'hex'), 'bevis.exe') },
      { name: 'the file is a web page', file: () => evidenceFile(Buffer.from('<html><script>alert(1)</script></html>'), 'bevis.html', 'text/html') },
      { name: 'the file name has no extension', file: () => evidenceFile(SAMPLE_FILES.txt, 'bevis', 'text/plain') },
      { name: 'the file is named .pdf but holds text', file: () => evidenceFile(SAMPLE_FILES.txt, 'bevis.pdf', 'application/pdf') },
      { name: 'the file is named .png but holds a PDF', file: () => evidenceFile(SAMPLE_FILES.pdf, 'bevis.png', 'image/png') },
      { name: 'the file is named .zip but holds a PNG', file: () => evidenceFile(SAMPLE_FILES.png, 'bevis.zip', 'application/zip') },
      { name: 'the file is named .txt but holds binary data', file: () => evidenceFile(Buffer.from([0x00, 0xff, 0xfe, 0x00, 0x41]), 'bevis.txt', 'text/plain') },
      { name: 'the file is empty', file: () => evidenceFile(Buffer.alloc(0), 'bevis.txt', 'text/plain') },
    ].map((c) => ({ ...c, expect: { status: 415, code: 'evidence.type_refused' } })),
    refused: { admin: { status: 403, code: 'answer.vendor_required' } },
  },
  // Revision 1 of the fixture set, already here: even a case let through by mistake imports nothing.
  // The administrator, a member of no buyer, may not import: the service refuses before it reads the file.
  'POST /api/joint-sets/import': {
    badFields: {
      organisationId: [
        ['not an organisation id', 'not-a-uuid'],
        ['100000 characters', LONG],
        ['given twice', [PLACEHOLDER_ORG_ID, PLACEHOLDER_ORG_ID]],
      ],
    },
    file: () => packageFile(fixtures.jointPackage),
    missingFile: { status: 400, code: 'joint_set.package_missing' },
    fileFirst: true,
    badFiles: [
      { name: 'the file is a text file', file: () => ({ content: Buffer.from('Ja, ja, ja'), name: 'kravsett.txt', type: 'text/plain' }) },
      { name: 'the file is empty', file: () => packageFile(Buffer.alloc(0)) },
      { name: 'the file is a zip archive without joint-set.yaml', file: () => packageFile(EMPTY_ZIP) },
      { name: 'the file is the package cut off halfway', file: () => packageFile(fixtures.jointPackage.subarray(0, Math.floor(fixtures.jointPackage.length / 2))) },
    ].map((c) => ({ ...c, expect: { status: 422, code: 'joint_set.package_invalid' } })),
    otherCases: [{ name: 'the package holds a revision that is already here', fields: {}, expect: { status: 409, code: 'joint_set.package_revision_exists' } }],
    refused: { admin: { status: 403, code: 'joint_set.buyer_required' } },
  },
  // The Kravbank test bank into the library, as drafts of the target organisation. Every case is refused before anything is imported.
  'POST /api/library/kravbank/import': {
    badFields: {
      keyPrefix: [
        ['lower-case', 'krb'],
        ['six letters', 'ABCDEF'],
        ['digits', 'KR1'],
      ],
      category: [
        ['missing', undefined],
        ['not a category', 'martian'],
        ['given twice', ['export', 'export']],
      ],
      themes: [
        ['missing', undefined],
        ['zero', '0'],
        ['not a number', 'abc'],
        ['beyond the last theme', '999'],
      ],
      domains: [
        ['not a domain', 'martian'],
        ['"all" with another domain', 'all,school'],
      ],
      organisationId: [
        ['not an organisation id', 'not-a-uuid'],
        ['100000 characters', LONG],
      ],
    },
    file: () => kravbankFile(KRAVBANK_BANK),
    missingFile: { status: 400, code: 'kravbank.file_missing' },
    fileFirst: true,
    badFiles: KRAVBANK_BAD_FILES,
    refused: { admin: { status: 403, code: 'library.editor_required' } },
  },
  // An installation export into this installation, which is not empty: even a case let through by
  // mistake imports nothing. Only administrators may import.
  'POST /api/exit/imports': {
    badFields: {},
    file: () => ({ content: fixtures.installationExport, name: 'datakrav-export.zip', type: 'application/zip' }),
    missingFile: { status: 400, code: 'exit.import_file_required' },
    fileFirst: true,
    badFiles: [
      { name: 'the file is a text file', file: () => ({ content: Buffer.from('Ja, ja, ja'), name: 'eksport.txt', type: 'text/plain' }), expect: { status: 400, code: 'exit.import_not_zip' } },
      { name: 'the file is empty', file: () => ({ content: Buffer.alloc(0), name: 'eksport.zip', type: 'application/zip' }), expect: { status: 400, code: 'exit.import_not_zip' } },
      { name: 'the file is a zip archive without a manifest', file: () => ({ content: EMPTY_ZIP, name: 'eksport.zip', type: 'application/zip' }), expect: { status: 400, code: 'exit.import_manifest_missing' } },
      { name: 'the file is the export cut off halfway', file: () => ({ content: fixtures.installationExport.subarray(0, Math.floor(fixtures.installationExport.length / 2)), name: 'eksport.zip', type: 'application/zip' }), expect: { status: 400, code: 'exit.import_not_zip' } },
    ],
    otherCases: [{ name: 'the installation is not empty', fields: {}, expect: { status: 409, code: 'exit.import_not_empty' } }],
    refused: { owner: { status: 403, code: 'exit.import_admin_required' } },
  },
  // The same bank into the fixture tender.
  'POST /api/tenders/:tenderId/kravbank': {
    badFields: {},
    file: () => kravbankFile(KRAVBANK_BANK),
    missingFile: { status: 400, code: 'kravbank.file_missing' },
    fileFirst: true,
    badFiles: KRAVBANK_BAD_FILES,
  },
  // A bidder's files checked against the fixture tender's requirements.
  'POST /api/tenders/:tenderId/check-runs': {
    badFields: {
      bidder: [
        ['missing', undefined],
        ['empty', ''],
        ['100000 characters', LONG],
        ['given twice', ['Første AS', 'Andre AS']],
      ],
    },
    file: () => checkFile(Buffer.from('{"openapi": "3.1.0", "info": {"title": "Elevdata", "version": "1"}, "paths": {}}'), 'openapi.json'),
    missingFile: { status: 400, code: 'check_run.files_missing' },
    badFiles: [{ name: 'the file is of no kind the checks read', file: () => checkFile(SAMPLE_FILES.png, 'skjerm.png', 'image/png'), expect: { status: 422, code: 'check_run.no_checkable_files' } }],
  },
};

/**
 * Malformed uploads to a multipart route: the text fields and the file. The valid fields are
 * the route's `body`, the valid file its UPLOADS entry's.
 */
function uploadCases(key: string): MalformedCase[] {
  const description = UPLOADS[key];
  if (!description) throw new Error(`describe the upload of ${key} in UPLOADS`);
  const { file, badFields, badFiles, missingFile, otherCases = [], fileFirst = false } = description;
  const upload = (r: supertest.Test, fields: Record<string, unknown>, sent: UploadFile | null) => {
    let req = r;
    for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) if (v !== undefined) req = req.field(name, String(v));
    return sent ? req.attach(sent.field ?? 'file', sent.content, { filename: sent.name, contentType: sent.type }) : req;
  };
  const boundary = '----datakrav-test-boundary';
  const rawMultipart = (r: supertest.Test, contentType: string, body: string) => r.set('Content-Type', contentType).send(body);
  /** The first text field as a multipart part, if the route has text fields. */
  const firstPart = (valid: Record<string, unknown>) => {
    const [name, value] = Object.entries(valid)[0] ?? [];
    return name ? `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${String(value)}\r\n` : '';
  };
  return [
    { name: 'there is no file', stage: fileFirst ? 'route' : 'service', expect: missingFile, send: (r, v) => upload(r, v, null) },
    ...Object.entries(badFields).flatMap(([field, values]) =>
      values.map(([label, bad]): MalformedCase => ({ name: `${field} is ${label}`, stage: 'route', expect: validation(field), send: (r, v) => upload(r, { ...v, [field]: bad }, file()) })),
    ),
    { name: 'there is an unknown extra field', stage: 'route', expect: validation('(body)'), send: (r, v) => upload(r, { ...v, isAdmin: 'true' }, file()) },
    ...badFiles.map((c): MalformedCase => ({ name: c.name, stage: 'service', expect: c.expect, send: (r, v) => upload(r, v, c.file()) })),
    ...otherCases.map((c): MalformedCase => ({ name: c.name, stage: 'service', expect: c.expect, send: (r, v) => upload(r, { ...v, ...c.fields }, file()) })),
    { name: 'the file comes in another field', stage: 'route', expect: { status: 400, code: 'upload.rejected' }, send: (r, v) => upload(r, v, { ...file(), field: 'upload' }) },
    { name: 'there are two files', stage: 'route', expect: { status: 400, code: 'upload.rejected' }, send: (r, v) => upload(r, v, file()).attach('file', file().content, `2-${file().name}`) },
    { name: 'there are more fields than the server accepts', stage: 'route', expect: { status: 400, code: 'upload.rejected' }, send: (r, v) => upload(r, { ...v, ...Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`f${i}`, 'x'])) }, file()) },
    { name: 'the file is larger than the upload limit', stage: 'route', expect: { status: 413, code: 'upload.too_large' }, send: (r, v) => upload(r, v, { ...file(), content: Buffer.alloc(UPLOAD_LIMIT_BYTES + 1, 'x') }) },
    { name: 'the multipart body has no boundary', stage: 'route', expect: { status: 400, code: 'upload.malformed' }, send: (r, v) => rawMultipart(r, 'multipart/form-data', `${Object.keys(v)[0] ?? 'file'}=Tenkt`) },
    {
      name: 'the multipart body ends in the middle of a part',
      stage: 'route',
      expect: { status: 400, code: 'upload.malformed' },
      send: (r, v) => rawMultipart(r, `multipart/form-data; boundary=${boundary}`, `${firstPart(v)}--${boundary}\r\nContent-Disposition: form-data; name="${file().field ?? 'file'}"; filename="${file().name}"\r\n\r\n${file().content.subarray(0, 2).toString('latin1')}`),
    },
    { name: 'the body is malformed JSON text', stage: 'parser', expect: { status: 400, code: 'request.malformed_json' }, send: (r, v) => json(r, `{"${Object.keys(v)[0] ?? 'file'}": "x",`) },
  ];
}

/** An empty zip archive: the end-of-central-directory record alone. */
const EMPTY_ZIP = Buffer.from([0x50, 0x4b, 0x05, 0x06, ...Array.from({ length: 18 }, () => 0)]);
/** Small, so that the over-size case is quick; the generated sheets are far below it. */
const UPLOAD_LIMIT = '1mb';
const UPLOAD_LIMIT_BYTES = 1024 * 1024;

const NOT_A_UUID = ['not-a-uuid', '12345', '0f8fad5b-d9cb-469f-a165-70867728950e0', '0f8fad5b-d9cb-469f-a165-70867728950', '0f8fad5bd9cb469fa16570867728950e', '%00', LONG_IN_URL, '..%2F..%2Fetc%2Fpasswd', "'%20OR%20'1'%3D'1"];
const NOT_A_TOKEN = ['too-short', 'x'.repeat(101), 'dots.are.not.allowed.in.a.token.12345', '%00'.repeat(25), LONG_IN_URL];
const NOT_A_KEY = ['exp-001', 'EXP-01', 'EXP-0001', 'EXPORT-001', 'E-001', 'EXP_001', '%00', LONG_IN_URL, '..%2F..%2Fetc%2Fpasswd', "'%20OR%20'1'%3D'1"];
const NOT_A_DOCUMENT = ['specification.pdf', 'SPECIFICATION.DOCX', 'specification', '..%2F..%2Fpackage.json', '%00', LONG_IN_URL];
/** A joint set's revision number: a whole number from 1 to 100000. */
const NOT_A_REVISION_NUMBER = ['0', '-1', '1.5', 'abc', '100001', '1e400', '%00', LONG_IN_URL, "'%20OR%20'1'%3D'1"];
/** A sector pack's key: lower-case words joined by hyphens, at most 100 characters. */
const NOT_A_PACK = ['School-Kindergarten', 'school_kindergarten', '-school', 'school--kindergarten', '%00', LONG_IN_URL, '..%2F..%2Fetc%2Fpasswd', "'%20OR%20'1'%3D'1"];
const BAD_PARAMS: Record<string, string[]> = { token: NOT_A_TOKEN, key: NOT_A_KEY, document: NOT_A_DOCUMENT, number: NOT_A_REVISION_NUMBER, pack: NOT_A_PACK };

function paramCases(path: string): MalformedCase[] {
  const names = [...path.matchAll(/:(\w+)/g)].map((m) => m[1] as string);
  return names.flatMap((name) => [
    ...(BAD_PARAMS[name] ?? NOT_A_UUID).map(
      (bad): MalformedCase => ({ name: `:${name} is "${bad.length > 60 ? `${bad.slice(0, 20)}… (${bad.length} characters)` : bad}"`, stage: 'route', expect: { status: 404, code: 'request.not_found' }, params: { [name]: bad } }),
    ),
    // Refused while the path is decoded, before any route runs.
    { name: `:${name} has broken percent-encoding`, stage: 'parser', expect: { status: 400, code: 'request.invalid' }, params: { [name]: '%E0%A4%A' } },
  ]);
}

/** Bad values for each query parameter, by name. */
const BAD_QUERY: Record<string, string[]> = {
  page: ['-1', '0', '1.5', 'abc', '1e400', '99999999999999999999', ''],
  pageSize: ['0', '-5', '100000', 'abc', '2.5'],
  kind: ['martian', 'BUYER', ''],
  q: [LONG_IN_URL],
  organisationId: ['not-a-uuid', '12345'],
  action: [LONG_IN_URL],
  entityType: [LONG_IN_URL],
  entityId: [LONG_IN_URL],
  actor: [LONG_IN_URL],
  from: ['not-a-date', '2026-13-45'],
  to: ['not-a-date', '2026-13-45'],
  category: ['martian', 'EXPORT', LONG_IN_URL],
  type: ['Z', 'a', 'AVV'],
  domain: ['martian', 'SCHOOL'],
  status: ['martian', 'DRAFT'],
  source: ['Not a source', '..%2Fetc', LONG_IN_URL],
  theme: ['0', '31', '-1', '1.5', 'abc'],
  sort: ['martian', 'key desc'],
  format: ['pdf', 'ZIP'],
  version: ['1.0', 'v1.0.0', '01.0.0', 'latest', LONG_IN_URL],
  revision: ['0', '-1', '1.5', 'abc', '100001', '1e400'],
  profileId: ['not-a-uuid', '12345', LONG_IN_URL],
  productVersionId: ['not-a-uuid', '12345', '', LONG_IN_URL],
  productId: ['not-a-uuid', '12345', LONG_IN_URL],
  vendorId: ['not-a-uuid', '12345', LONG_IN_URL],
  deployment: ['martian', 'SAAS', 'on premises'],
  basis: ['martian', 'VERIFIED', ''],
  limit: ['0', '-1', '101', '1.5', 'abc', ''],
  reason: ['martian', 'EXPIRED', 'rejected'],
  horizonMonths: ['0', '-1', '121', '1.5', 'abc'],
};

function queryString(query: Record<string, string>): string {
  return Object.entries(query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
}

function queryCases(key: string, valid: Record<string, string>, overrides: Record<string, string[]> = {}): MalformedCase[] {
  const cases: MalformedCase[] = [];
  for (const field of Object.keys(valid)) {
    const bad = overrides[field] ?? BAD_QUERY[field];
    if (!bad) throw new Error(`no bad values for the query parameter ${field}`);
    for (const value of bad) {
      const shown = value.length > 60 ? `${value.length} characters` : `"${value}"`;
      cases.push({ name: `?${field} is ${shown}`, stage: 'route', expect: validation(`query.${field}`), query: (v) => queryString({ ...v, [field]: value }) });
    }
    cases.push({ name: `?${field} is given twice`, stage: 'route', expect: validation(`query.${field}`), query: (v) => `${queryString(v)}&${queryString({ [field]: v[field] as string })}` });
  }
  cases.push({ name: 'the query has an unknown parameter', stage: 'route', expect: validation('query'), query: (v) => `${queryString(v)}&isAdmin=true` });
  cases.push({ name: 'the query has a bracketed parameter', stage: 'route', expect: validation('query'), query: (v) => `${queryString(v)}&filter[isAdmin]=true` });
  if (key === 'GET /api/audit') {
    // Valid dates in JavaScript, but out of the database's range.
    cases.push({ name: '?from is a date before the database\'s range', stage: 'route', expect: { status: 400, code: 'request.invalid_value' }, query: (v) => queryString({ ...v, from: '-200000-01-01' }) });
    cases.push({ name: '?to is a date after the database\'s range', stage: 'route', expect: { status: 400, code: 'request.invalid_value' }, query: (v) => queryString({ ...v, to: '+275760-09-13' }) });
  }
  return cases;
}

/** Cases are made from fixtures that do not exist yet, so valid values are filled in when a case runs. */
const PLACEHOLDER_FIXTURES: Fixtures = {
  org: { id: PLACEHOLDER_ORG_ID, version: 1 } as OrganisationRow,
  owner: {} as UserRow,
  member: { id: '00000000-0000-4000-8000-000000000002' } as UserRow,
  invitationId: '00000000-0000-4000-8000-000000000003',
  invitationToken: 'placeholder-token-0123456789',
  itemKey: 'ZZZ-000',
  draftId: '00000000-0000-4000-8000-000000000005',
  selectionId: '00000000-0000-4000-8000-000000000006',
  tenderId: '00000000-0000-4000-8000-000000000007',
  tenderVersion: 1,
  itemId: '00000000-0000-4000-8000-000000000008',
  itemVersion: 1,
  sectionId: '00000000-0000-4000-8000-000000000009',
  coBuyerId: '00000000-0000-4000-8000-00000000000a',
  sheet: Buffer.alloc(0),
  vendor: { id: '00000000-0000-4000-8000-00000000000b', orgNumber: ORG_NUMBER, version: 1 } as OrganisationRow,
  vendorOwner: {} as UserRow,
  vendorInvitationId: '00000000-0000-4000-8000-00000000000c',
  productId: '00000000-0000-4000-8000-00000000000d',
  versionId: '00000000-0000-4000-8000-00000000000e',
  usageId: '00000000-0000-4000-8000-00000000000f',
  profileId: '00000000-0000-4000-8000-000000000010',
  answerId: '00000000-0000-4000-8000-000000000011',
  answerVersion: 1,
  evidenceId: '00000000-0000-4000-8000-000000000012',
  setId: '00000000-0000-4000-8000-000000000013',
  jointPartnerId: '00000000-0000-4000-8000-000000000014',
  jointItemId: '00000000-0000-4000-8000-000000000015',
  jointDraftItemId: '00000000-0000-4000-8000-000000000016',
  jointDraftSectionId: '00000000-0000-4000-8000-000000000017',
  commentId: '00000000-0000-4000-8000-000000000018',
  jointPackage: Buffer.alloc(0),
  installationExport: Buffer.alloc(0),
};
const PLACEHOLDER_SESSION = { user: { email: 'x@example.no' }, tokenId: '00000000-0000-4000-8000-000000000004' } as Session;

function validBodies(request: ValidRequest, f: Fixtures, s: Session): Record<string, unknown>[] {
  return request.body ? [request.body(f, s), ...(request.otherBodies?.(f, s) ?? [])] : [];
}

function casesFor(key: string): MalformedCase[] {
  const request = API[key] as ValidRequest;
  const path = key.split(' ')[1] as string;
  const bodies = validBodies(request, PLACEHOLDER_FIXTURES, PLACEHOLDER_SESSION);
  return [
    ...paramCases(path),
    ...(request.query ? queryCases(key, request.query(PLACEHOLDER_FIXTURES), request.badQuery) : []),
    ...(request.multipart ? uploadCases(key) : request.body ? bodyCases(key, bodies, request) : []),
  ];
}

function expectProblem(res: supertest.Response, expected: Expectation): void {
  expect({ status: res.status, code: res.body?.code }).toEqual({ status: expected.status, code: expected.code });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toEqual(
    expect.objectContaining({ type: `urn:datakrav:problem:${expected.code}`, code: expected.code, title: expect.any(String), status: expected.status, detail: expect.any(String) }),
  );
  expect(res.body.title.length).toBeGreaterThan(0);
  expect(res.body.detail.length).toBeGreaterThan(0);
  if (expected.code === 'validation.failed') {
    expect(Array.isArray(res.body.errors)).toBe(true);
    expect(res.body.errors.length).toBeGreaterThan(0);
    for (const error of res.body.errors) expect(error).toEqual({ path: expect.any(String), message: expect.any(String) });
    // The field itself, or a part of it (title.nb, themes.0).
    if (expected.field) expect(res.body.errors.map((e: { path: string }) => e.path)).toContainEqual(expect.stringMatching(new RegExp(`^${expected.field.replace(/[.()]/g, '\\$&')}($|\\.)`)));
  }
}

let ctx: TestContext;
let fixtures: Fixtures;
const sessions = {} as Record<ActorKind, Session>;
/** The fixture vendor's owner, who sends the owner's cases of the `byVendor` routes. */
let vendorSession: Session;

function ownerActor(owner: UserRow, org: OrganisationRow): Actor {
  return {
    userId: owner.id,
    email: owner.email,
    name: owner.name,
    isAdmin: false,
    locale: 'nb',
    memberships: [{ organisationId: org.id, organisationName: org.name, kind: org.kind, role: 'owner', parentId: null }],
    activeOrganisationId: org.id,
    via: 'session',
    sessionId: null,
    csrfToken: null,
  };
}

/**
 * The target organisation with a member and an invitation; with `uses` (a route path, or 'all')
 * also the library, tender, vendor and assessment fixtures that path takes, else placeholders for them.
 */
async function buildFixtures(uses = ''): Promise<Fixtures> {
  const { services } = ctx;
  const org = await buildOrganisation(services, { kind: 'buyer' });
  const owner = await buildUser(services, { memberships: [[org, 'owner']] });
  const member = await buildUser(services, { memberships: [[org, 'editor']] });
  const { invitation, token } = await services.organisations.invite(ownerActor(owner, org), org.id, { email: `invitee-${unique()}@example.no`, role: 'viewer' }, SYSTEM_AUDIT);
  return addFixturesFor({ ...PLACEHOLDER_FIXTURES, org, owner, member, invitationId: invitation.id, invitationToken: token }, uses);
}

/** New fixtures of the organisation for the parameters `uses` takes ('all': every one). */
async function addFixturesFor(base: Fixtures, uses: string): Promise<Fixtures> {
  return addJointSetFixtures(await addVendorAndAssessmentFixtures(await addLibraryAndTenderFixtures(base, uses), uses), uses);
}

/**
 * A new joint set coordinated by the organisation, for the parameters `uses` takes ('all': also its
 * package): another buyer takes part; revision 1 holds shipped items and an empty section, went
 * through consultation (the other buyer's comment, resolved) and was adopted; revision 2 is a draft
 * copy of it.
 */
async function addJointSetFixtures(base: Fixtures, uses: string): Promise<Fixtures> {
  const f = { ...base };
  if (uses !== 'all' && !uses.includes(':setId')) return f;
  const { jointSets } = ctx.services;
  const actor = ownerActor(f.owner, f.org);
  const partner = await buildOrganisation(ctx.services, { kind: 'buyer' });
  const partnerActor = ownerActor(await buildUser(ctx.services, { memberships: [[partner, 'owner']] }), partner);
  const set = await jointSets.create(actor, { title: `Kravsett ${unique()}` }, SYSTEM_AUDIT);
  await jointSets.invite(actor, set.id, partner.id, set.version, SYSTEM_AUDIT);
  await jointSets.respond(partnerActor, set.id, { response: 'accept' }, SYSTEM_AUDIT);
  await jointSets.addItems(actor, set.id, 1, ['EXP-001', 'API-003', 'EXIT-009', 'DOC-002', 'OWN-001'], SYSTEM_AUDIT);
  await jointSets.addSection(actor, set.id, 1, 'Tom seksjon', SYSTEM_AUDIT);
  const jointItemId = (await jointSets.revision(actor, set.id, 1)).sections[0]?.items[0]?.id as string;
  await jointSets.transition(actor, set.id, 1, 'consultation', (await jointSets.revision(actor, set.id, 1)).revision.version, SYSTEM_AUDIT);
  const comment = await jointSets.comment(partnerActor, set.id, 1, { itemId: jointItemId, position: 'change', text: 'Vi foreslår 48 timer.' }, SYSTEM_AUDIT);
  await jointSets.resolveComment(actor, set.id, 1, comment.id, { resolution: 'noted', response: 'Tatt til orientering.', version: comment.version }, SYSTEM_AUDIT);
  await jointSets.transition(actor, set.id, 1, 'adopted', (await jointSets.revision(actor, set.id, 1)).revision.version, SYSTEM_AUDIT);
  if (uses === 'all') f.jointPackage = (await ctx.services.jointSetPackages.exportRevision(actor, set.id, 1)).bytes;
  await jointSets.newRevision(actor, set.id, {}, SYSTEM_AUDIT);
  const draft = await jointSets.revision(actor, set.id, 2);
  return Object.assign(f, {
    setId: set.id,
    jointPartnerId: partner.id,
    jointItemId,
    jointDraftItemId: draft.sections[0]?.items[0]?.id as string,
    jointDraftSectionId: draft.sections.find((s) => s.title === 'Tom seksjon')?.id as string,
    commentId: comment.id,
  });
}

/**
 * New vendor register and assessment fixtures for the parameters `uses` takes ('all': every one):
 * a vendor with a product and its version, a contact invitation of the vendor, the organisation's
 * usage of the product, a private profile of the organisation, and the vendor's answer to EXP-001
 * with an evidence file and a review by the organisation.
 */
async function addVendorAndAssessmentFixtures(base: Fixtures, uses: string): Promise<Fixtures> {
  const { services } = ctx;
  const f = { ...base };
  const actor = ownerActor(f.owner, f.org);
  const needs = (...params: string[]) => uses === 'all' || params.some((param) => uses.includes(param));
  if (needs(':vendorId', ':productId', ':versionId', ':productVersionId', ':usageId', ':answerId', ':evidenceId')) {
    f.vendor = await buildOrganisation(services, { kind: 'vendor', name: `Leverandør ${unique()} AS`, orgNumber: freshOrgNumber() });
    f.vendorOwner = await buildUser(services, { memberships: [[f.vendor, 'owner']] });
    const { product, versions } = await buildProduct(services, f.vendor);
    f.productId = product.id;
    f.versionId = (versions[0] as ProductVersionRow).id;
  }
  if (needs(':invitationId') && needs(':vendorId')) f.vendorInvitationId = (await services.vendors.invite(actor, f.vendor.id, { email: `kontakt-${unique()}@example.no` }, SYSTEM_AUDIT)).invitation.id;
  if (needs(':usageId')) {
    f.usageId = (await services.vendors.createUsage(actor, { organisationId: f.org.id, productId: f.productId, contractEnd: '2027-06-30', noticeMonths: 6, exitPlanStatus: 'none', note: '' }, SYSTEM_AUDIT)).id;
  }
  if (needs(':profileId')) {
    f.profileId = (await services.assessments.createProfile(actor, { name: `Profil ${unique()}`, visibility: 'private', items: [{ key: 'EXP-001' }, { key: 'API-003' }] }, SYSTEM_AUDIT)).profile.id;
  }
  if (needs(':answerId', ':evidenceId')) {
    const vendorActor = ownerActor(f.vendorOwner, f.vendor);
    const { answer } = await services.assessments.saveAnswer(vendorActor, { productVersionId: f.versionId, key: 'EXP-001', major: 1, status: 'partly', explanation: 'Eksport av elevdata.' }, SYSTEM_AUDIT);
    f.answerId = answer.id;
    f.evidenceId = (await services.assessments.addEvidence(vendorActor, answer.id, { originalname: 'bevis.txt', buffer: SAMPLE_FILES.txt }, SYSTEM_AUDIT)).id;
    await services.assessments.verify(actor, answer.id, { decision: 'change_requested', version: answer.version, noteForVendor: 'Legg ved et uttrekk.', internalNote: 'Bare skjermbilder så langt.' }, SYSTEM_AUDIT);
    f.answerVersion = (await services.assessments.answerDetail(actor, answer.id)).answer.version;
  }
  return f;
}

/** New library and tender fixtures of the organisation for the parameters `uses` takes ('all': every one). */
async function addLibraryAndTenderFixtures(base: Fixtures, uses: string): Promise<Fixtures> {
  const { services } = ctx;
  const f = { ...base };
  const actor = ownerActor(f.owner, f.org);
  const needs = (param: string) => uses === 'all' || uses.includes(param);
  if (needs(':key')) {
    // An item of its own, so that a deprecation let through by mistake leaves the shipped library alone.
    const draft = await services.library.createItem(actor, { ...FIXTURE_CONTENT, key: nextKey() }, SYSTEM_AUDIT);
    f.itemKey = (await services.library.publish(actor, draft.id, { level: 'major', changeNote: { nb: 'Første utgave.', en: 'First edition.' }, version: draft.revision }, SYSTEM_AUDIT)).key;
  }
  if (needs(':draftId')) f.draftId = (await services.library.createItem(actor, { ...FIXTURE_CONTENT, key: nextKey() }, SYSTEM_AUDIT)).id;
  if (needs(':selectionId') || needs(':tenderId')) f.selectionId = (await services.tenders.createSelection(actor, { name: `Utvalg ${unique()}`, keys: ['EXP-001'] }, SYSTEM_AUDIT)).id;
  if (needs(':tenderId')) {
    const tender = await services.tenders.create(actor, { title: 'Nytt skoleadministrativt system', reference: `2026/${unique()}`, language: 'nb', domain: 'school', contactEmail: 'innkjop@example.no' }, SYSTEM_AUDIT);
    await services.tenders.addLibraryItems(actor, tender.id, ['EXP-001', 'API-003', 'EXIT-009', 'DOC-002', 'OWN-001'], SYSTEM_AUDIT);
    await services.tenders.normaliseWeights(actor, tender.id, SYSTEM_AUDIT);
    const coBuyer = await buildOrganisation(services, { kind: 'buyer' });
    await services.tenders.setCoBuyer(actor, tender.id, coBuyer.id, false, (await services.tenders.view(actor, tender.id)).tender.version, SYSTEM_AUDIT);
    if (uses === 'all') {
      // Issued, with its response sheet for the upload cases; later changes make a working copy again.
      await services.tenders.issue(actor, tender.id, SYSTEM_AUDIT);
      const { model, requirementSet } = await services.tenders.documentModel(actor, tender.id, 1);
      f.sheet = (await generateDocument('response-sheet.xlsx', model, requirementSet)).bytes;
    }
    const section = await services.tenders.addSection(actor, tender.id, 'Tom seksjon', SYSTEM_AUDIT);
    const view = await services.tenders.view(actor, tender.id);
    Object.assign(f, { tenderId: tender.id, tenderVersion: view.tender.version, itemId: view.sections[0]?.items[0]?.id, itemVersion: view.sections[0]?.items[0]?.version, sectionId: section.id, coBuyerId: coBuyer.id });
  }
  return f;
}

let keyCounter = 0;
/** A library key no other fixture uses. */
function nextKey(): string {
  keyCounter += 1;
  return `ZM${String.fromCharCode(65 + (Math.floor(keyCounter / 1000) % 26))}-${String(keyCounter % 1000).padStart(3, '0')}`;
}

/** A route path with every parameter filled from the fixtures and the session. */
function fillPath(path: string, f: Fixtures, s: Session): string {
  const values: Record<string, string> = {
    orgId: f.org.id,
    userId: f.member.id,
    invitationId: f.invitationId,
    tokenId: s.tokenId,
    token: f.invitationToken,
    key: f.itemKey,
    draftId: f.draftId,
    selectionId: f.selectionId,
    tenderId: f.tenderId,
    itemId: f.itemId,
    sectionId: f.sectionId,
    organisationId: f.coBuyerId,
    document: 'requirements.json',
    vendorId: f.vendor.id,
    productId: f.productId,
    versionId: f.versionId,
    productVersionId: f.versionId,
    usageId: f.usageId,
    profileId: f.profileId,
    answerId: f.answerId,
    evidenceId: f.evidenceId,
    setId: f.setId,
    commentId: f.commentId,
    exportId: EXPORT_ID,
    importId: IMPORT_ID,
    providerId: PROVIDER_ID,
    mappingId: MAPPING_ID,
    checkRunId: CHECK_RUN_ID,
    pack: PACK,
    // An identity provider's slug (no provider has it: the 405 answers come before any lookup).
    slug: 'kommunens-idp',
  };
  // In the vendor routes :invitationId is an invitation of the vendor, not of the organisation.
  if (/^\/(api\/)?vendors\//.test(path)) values.invitationId = f.vendorInvitationId;
  // In the joint-set routes the draft (revision 2) is edited and sent on; the rest use the adopted revision 1.
  if (/^\/(api\/)?joint-sets\//.test(path)) {
    const draft = /revisions\/:number\/(items|sections|transition)/.test(path);
    Object.assign(values, { number: draft ? '2' : '1', itemId: f.jointDraftItemId, sectionId: f.jointDraftSectionId, organisationId: f.jointPartnerId, key: 'EXP-001' });
  }
  return path.replace(/:(\w+)/g, (_m, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no fixture for :${name} in ${path}`);
    return encodeURIComponent(value);
  });
}

async function sessionFor(kind: ActorKind, f: Fixtures): Promise<Session> {
  return sessionOf(kind, kind === 'owner' ? f.owner : await buildUser(ctx.services, { isAdmin: true }));
}

async function sessionOf(kind: ActorKind, user: UserRow): Promise<Session> {
  const { agent, csrf } = await loginAs(ctx, user);
  const token = await agent.post('/api/me/tokens').set('X-CSRF-Token', csrf).send({ name: 'Eget token' });
  if (token.status !== 201) throw new Error(`could not create a token: ${token.status}`);
  return { kind, user, agent, csrf, tokenId: token.body.id as string };
}

beforeAll(async () => {
  ctx = await createTestApp({ LOGIN_REQUESTS_PER_IP_15_MIN: '100000', UPLOAD_LIMIT, IMPORT_LIMIT: UPLOAD_LIMIT }, { seed: 'baseline' });
  fixtures = await buildFixtures('all');
  const emptyExport = new JSZip();
  emptyExport.file('manifest.json', JSON.stringify({ formatVersion: 1, appVersion: '0.1.0', createdAt: '2026-01-01T00:00:00.000Z', scope: { kind: 'installation' }, files: [], auditChains: [] }));
  fixtures.installationExport = await emptyExport.generateAsync({ type: 'nodebuffer' });
  for (const kind of ACTORS) sessions[kind] = await sessionFor(kind, fixtures);
  vendorSession = await sessionOf('owner', fixtures.vendorOwner);
});
afterAll(() => ctx.close());

function findRoute(key: string): RouteDefinition {
  const route = routesOf(ctx.app).find((r) => `${r.method.toUpperCase()} ${r.path}` === key);
  if (!route) throw new Error(`the app registers no route ${key}`);
  return route;
}

describe('the list of API routes with input', () => {
  test('When the app registers an API route that takes params, query or body, then this file has a valid request for it', () => {
    const withInput = routesOf(ctx.app)
      .filter((r) => r.surface === 'api' && (r.params || r.query || r.body))
      .map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(withInput.filter((key) => !(key in API))).toEqual([]);
    expect(Object.keys(API).filter((key) => !withInput.includes(key))).toEqual([]);
  });

  test('When an API route reads a multipart upload, then it gets the upload cases, and no other route does', () => {
    const uploads = routesOf(ctx.app)
      .filter((r) => r.surface === 'api' && r.bodyType === 'multipart')
      .map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(uploads.length).toBeGreaterThan(0);
    expect(Object.keys(API).filter((key) => API[key]?.multipart).sort()).toEqual(uploads.sort());
  });

  test.each(Object.keys(API))('When the valid request for %s is checked against the route\'s schemas, then it passes and names every body field', (key) => {
    const route = findRoute(key);
    const request = API[key] as ValidRequest;
    const s = sessions.owner;
    if (route.params) expect(route.params.safeParse(request.params?.(fixtures, s)).success).toBe(true);
    if (route.query) expect(route.query.safeParse(request.query?.(fixtures)).success).toBe(true);
    if (route.body) {
      const bodies = validBodies(request, fixtures, s);
      expect(bodies.length).toBeGreaterThan(0);
      for (const body of bodies) expect({ body, valid: route.body.safeParse(body).success }).toEqual({ body, valid: true });
      // Every field of the schema is in a valid body, so every field gets its wrong-type cases.
      expect([...new Set(bodies.flatMap((b) => Object.keys(b)))].sort()).toEqual(Object.keys((route.body as unknown as { shape: object }).shape).sort());
      expect(route.body.safeParse({}).success).toBe(Boolean(request.emptyBodyIsValid));
    }
  });
});

describe.each(ACTORS)('malformed API requests as the %s', (actor) => {
  describe.each(Object.keys(API))('%s', (key) => {
    test.each(casesFor(key).map((c) => [c.name, c] as const))('When %s, then the answer is a 4xx problem', async (_name, malformed) => {
      const route = findRoute(key);
      const request = API[key] as ValidRequest;
      const s = actor === 'owner' && request.byVendor ? vendorSession : sessions[actor];
      const params = { ...request.params?.(fixtures, s), ...malformed.params };
      const path = route.path.replace(/:(\w+)/g, (_m, name: string) => {
        const value = params[name];
        if (value === undefined) throw new Error(`no value for :${name}`);
        return malformed.params?.[name] !== undefined ? value : encodeURIComponent(value);
      });
      const validQuery = request.query?.(fixtures) ?? {};
      const query = malformed.query ? malformed.query(validQuery) : queryString(validQuery);
      let req = s.agent[route.method](query ? `${path}?${query}` : path);
      if (route.method !== 'get') req = req.set('X-CSRF-Token', s.csrf);
      const valid = validBodies(request, fixtures, s)[malformed.bodyIndex ?? 0] ?? {};
      req = malformed.send ? malformed.send(req, valid) : request.body ? req.send(valid) : req;
      const res = await req;

      const refusedFirst = malformed.stage !== 'parser' && route.access === 'admin' && actor !== 'admin';
      const refusedByService = malformed.stage === 'service' ? UPLOADS[key]?.refused?.[actor] : undefined;
      const expected = malformed.versionFirst && route.versioned ? VERSION_REQUIRED : malformed.expect;
      expectProblem(res, refusedFirst ? { status: 403, code: 'auth.admin_only' } : (refusedByService ?? expected));
    });
  });
});

describe('text the database cannot store', () => {
  // Postgres refuses the NUL character in text. That is the client's error, not the server's.
  const invalidValue: Expectation = { status: 400, code: 'request.invalid_value' };
  const NUL_CASES: [string, (f: Fixtures) => { method: 'get' | 'post' | 'put' | 'patch'; path: string; body?: Record<string, unknown>; current?: string }, Record<ActorKind, Expectation>][] = [
    ['the token name holds a NUL character', () => ({ method: 'post', path: '/api/me/tokens', body: { name: 'Skript\u0000' } }), { admin: { status: 400, code: 'request.invalid_value' }, owner: { status: 400, code: 'request.invalid_value' } }],
    ['a new organisation\'s name holds a NUL character', () => ({ method: 'post', path: '/api/organisations', body: { kind: 'buyer', name: 'Null\u0000kommune' } }), { admin: { status: 400, code: 'request.invalid_value' }, owner: { status: 403, code: 'auth.admin_only' } }],
    ['a new name for the organisation holds a NUL character', (f) => ({ method: 'patch', path: `/api/organisations/${f.org.id}`, body: { name: 'Null\u0000kommune', version: f.org.version } }), { admin: { status: 400, code: 'request.invalid_value' }, owner: { status: 400, code: 'request.invalid_value' } }],
    ['the login email holds a NUL character', () => ({ method: 'post', path: '/api/session', body: { email: 'a\u0000b@example.no', password: TEST_PASSWORD } }), { admin: { status: 400, code: 'request.invalid_value' }, owner: { status: 400, code: 'request.invalid_value' } }],
    ['the organisation search holds a NUL character', () => ({ method: 'get', path: `/api/organisations?q=${encodeURIComponent('a\u0000b')}` }), { admin: { status: 400, code: 'request.invalid_value' }, owner: { status: 400, code: 'request.invalid_value' } }],
    ['the audit actor filter holds a NUL character', (f) => ({ method: 'get', path: `/api/audit?organisationId=${f.org.id}&actor=${encodeURIComponent('a\u0000b')}` }), { admin: { status: 400, code: 'request.invalid_value' }, owner: { status: 400, code: 'request.invalid_value' } }],
    ['the audit entity filter holds a NUL character', (f) => ({ method: 'get', path: `/api/audit?organisationId=${f.org.id}&entityId=${encodeURIComponent('a\u0000b')}` }), { admin: { status: 400, code: 'request.invalid_value' }, owner: { status: 400, code: 'request.invalid_value' } }],
    ['the library search holds a NUL character', () => ({ method: 'get', path: `/api/library/items?q=${encodeURIComponent('eks\u0000port')}` }), { admin: invalidValue, owner: invalidValue }],
    ['the tender search holds a NUL character', () => ({ method: 'get', path: `/api/tenders?q=${encodeURIComponent('sko\u0000le')}` }), { admin: invalidValue, owner: invalidValue }],
    // The administrator, a member of no buyer, is refused before anything is stored.
    ['a new tender\'s title holds a NUL character', () => ({ method: 'post', path: '/api/tenders', body: { title: 'Null\u0000system', reference: `NUL/${unique()}`, language: 'nb' } }), { admin: { status: 403, code: 'tender.buyer_required' }, owner: invalidValue }],
    ['a tender\'s new reference holds a NUL character', (f) => ({ method: 'put', path: `/api/tenders/${f.tenderId}`, body: { reference: 'NUL\u0000/1' }, current: `/api/tenders/${f.tenderId}` }), { admin: invalidValue, owner: invalidValue }],
    ['a new section\'s title holds a NUL character', (f) => ({ method: 'post', path: `/api/tenders/${f.tenderId}/sections`, body: { title: 'Null\u0000seksjon' } }), { admin: invalidValue, owner: invalidValue }],
    ['an item written for the tender holds a NUL character', (f) => ({ method: 'post', path: `/api/tenders/${f.tenderId}/items`, body: { custom: { ...CUSTOM_ITEM, text: 'Løsningen skal \u0000 gjøre noe nyttig.' } } }), { admin: invalidValue, owner: invalidValue }],
    ['a parameter value of a tender item holds a NUL character', (f) => ({ method: 'put', path: `/api/tenders/${f.tenderId}/items/${f.itemId}`, body: { parameterValues: { exportHours: 'a\u0000b' } }, current: `/api/tenders/${f.tenderId}/items/${f.itemId}` }), { admin: { status: 400, code: 'tender.invalid_parameter_values' }, owner: { status: 400, code: 'tender.invalid_parameter_values' } }],
    ['a saved selection\'s name holds a NUL character', () => ({ method: 'post', path: '/api/library/selections', body: { name: 'Null\u0000utvalg', keys: ['EXP-001'] } }), { admin: { status: 403, code: 'tender.buyer_required' }, owner: invalidValue }],
    ['a new library item\'s title holds a NUL character', () => ({ method: 'post', path: '/api/library/items', body: { ...FIXTURE_CONTENT, key: nextKey(), title: { nb: 'Null\u0000krav', en: 'Null requirement' } } }), { admin: { status: 403, code: 'library.editor_required' }, owner: { status: 400, code: 'library.invalid_content' } }],
    // The library's own content check refuses it first.
    ['a saved draft\'s text holds a NUL character', (f) => ({ method: 'put', path: `/api/library/drafts/${f.draftId}`, body: { ...FIXTURE_CONTENT, text: { nb: 'Null\u0000tekst', en: 'Null text' }, version: 1 } }), { admin: { status: 400, code: 'library.invalid_content' }, owner: { status: 400, code: 'library.invalid_content' } }],
    // Joint sets: the administrator, a member of no buyer, may not start one, nor deviate for an organisation.
    ['a new joint set\'s title holds a NUL character', () => ({ method: 'post', path: '/api/joint-sets', body: { title: 'Null\u0000kravsett' } }), { admin: { status: 403, code: 'joint_set.buyer_required' }, owner: invalidValue }],
    ['a new section of the joint set\'s draft holds a NUL character', (f) => ({ method: 'post', path: `/api/joint-sets/${f.setId}/revisions/2/sections`, body: { title: 'Null\u0000seksjon' } }), { admin: invalidValue, owner: invalidValue }],
    ['a deviation\'s justification holds a NUL character', (f) => ({ method: 'put', path: `/api/joint-sets/${f.setId}/revisions/1/deviations/EXP-001`, body: { kind: 'change', weight: 5, justification: 'Vi har \u0000 store datamengder.', version: 0 } }), { admin: { status: 403, code: 'joint_set.participant_required' }, owner: invalidValue }],
    ['a rendered parameter value holds a NUL character', () => ({ method: 'post', path: '/api/library/render', body: { key: 'EXP-001', values: { exportHours: 'a\u0000b' } } }), { admin: { status: 400, code: 'library.invalid_parameter_values' }, owner: { status: 400, code: 'library.invalid_parameter_values' } }],
  ];

  test.each(ACTORS.flatMap((actor) => NUL_CASES.map(([name, build, expected]) => [actor, name, build, expected[actor]] as const)))(
    'When the %s sends a request where %s, then the answer is a 4xx problem, not a 500',
    async (actor, _name, build, expected) => {
      const s = sessions[actor];
      const { method, path, body, current } = build(fixtures);
      // An update of a versioned entity presents the version it reads now (its ETag), whatever other cases changed before.
      const etag = current ? ((await s.agent.get(current)).headers.etag as string) : undefined;
      let req = s.agent[method](path);
      if (etag) req = req.set('If-Match', etag);
      if (method !== 'get') req = req.set('X-CSRF-Token', s.csrf).send(body ?? {});
      expectProblem(await req, expected);
    },
  );

  test('When someone creates an account from an invitation with a NUL character in the name, then the answer is 400 and the invitation is still open', async () => {
    const f = await buildFixtures();
    const res = await ctx.request().post(`/api/invitations/${f.invitationToken}/accept`).send({ name: 'Ny\u0000Bruker', password: 'a long enough password' });
    expectProblem(res, { status: 400, code: 'request.invalid_value' });
    const page = await ctx.request().get(`/invitations/${f.invitationToken}`);
    expect(page.status).toBe(200);
  });
});

/** Garbage bodies for page forms. Each carries the session's valid CSRF token unless it cannot. */
type Garbage = { name: string; build: (csrf: string, fields: string[]) => string | Record<string, string> };
const GARBAGE: Garbage[] = [
  { name: 'only the CSRF field', build: (csrf) => ({ _csrf: csrf }) },
  { name: 'unknown fields', build: (csrf) => ({ _csrf: csrf, isAdmin: 'true', hacker: '1' }) },
  { name: 'every field 100000 characters long', build: (csrf, fields) => ({ _csrf: csrf, ...Object.fromEntries(fields.map((f) => [f, LONG])) }) },
  { name: 'every field given twice', build: (csrf, fields) => [`_csrf=${csrf}`, ...fields.flatMap((f) => [`${f}=a`, `${f}=b`])].join('&') },
  { name: 'bracketed field names', build: (csrf) => `_csrf=${csrf}&a[b]=c&role[]=owner&user[isAdmin]=true` },
  { name: 'broken percent-encoding', build: (csrf, fields) => [`_csrf=${csrf}`, '%%%=1', ...fields.map((f) => `${f}=%E0%A4%A`)].join('&') },
  { name: 'markup and control characters in every field', build: (csrf, fields) => ({ _csrf: csrf, ...Object.fromEntries(fields.map((f) => [f, '<script>alert(1)</script>\u0000\u202e'])) }) },
  { name: 'more fields than the server accepts', build: (csrf) => [`_csrf=${csrf}`, ...Array.from({ length: 2100 }, (_, i) => `f${i}=x`)].join('&') },
];

const PAGE_POSTS = [
  'POST /exit/exports',
  'POST /exit/imports',
  'POST /login',
  'POST /logout',
  'POST /language',
  'POST /session/organisation',
  'POST /account/password',
  'POST /account/tokens',
  'POST /account/tokens/:tokenId/revoke',
  'POST /organisations',
  'POST /organisations/:orgId',
  'POST /organisations/:orgId/members/:userId/role',
  'POST /organisations/:orgId/members/:userId/remove',
  'POST /organisations/:orgId/invitations',
  'POST /organisations/:orgId/invitations/:invitationId/revoke',
  'POST /invitations/:token',
  'POST /library/items',
  'POST /library/items/:key/drafts',
  'POST /library/drafts/:draftId',
  'POST /library/drafts/:draftId/publish',
  'POST /library/drafts/:draftId/discard',
  'POST /library/items/:key/deprecate',
  'POST /library/selections',
  'POST /tenders',
  'POST /tenders/:tenderId',
  'POST /tenders/:tenderId/parameters',
  'POST /tenders/:tenderId/items',
  'POST /tenders/:tenderId/custom-items',
  'POST /tenders/:tenderId/items/:itemId',
  'POST /tenders/:tenderId/items/:itemId/move',
  'POST /tenders/:tenderId/items/:itemId/upgrade',
  'POST /tenders/:tenderId/items/:itemId/remove',
  'POST /tenders/:tenderId/weights/normalise',
  'POST /tenders/:tenderId/sections',
  'POST /tenders/:tenderId/sections/:sectionId',
  'POST /tenders/:tenderId/sections/:sectionId/move',
  'POST /tenders/:tenderId/sections/:sectionId/remove',
  'POST /tenders/:tenderId/co-buyers',
  'POST /tenders/:tenderId/co-buyers/:organisationId/remove',
  'POST /tenders/:tenderId/issue',
  'POST /tenders/:tenderId/close',
  'POST /tenders/:tenderId/responses',
  'POST /assessments/profiles',
  'POST /assessments/profiles/:profileId',
  'POST /assessments/profiles/:profileId/delete',
  'POST /assessments/profiles/:profileId/requests',
  'POST /assessments/products/:productVersionId/answers',
  'POST /assessments/answers/:answerId/evidence',
  'POST /assessments/answers/:answerId/verifications',
  'POST /assessments/answers/:answerId/messages',
  'POST /vendors',
  'POST /vendors/:vendorId',
  'POST /vendors/:vendorId/products',
  'POST /vendors/:vendorId/invitations',
  'POST /vendors/:vendorId/invitations/:invitationId/revoke',
  'POST /products/:productId',
  'POST /products/:productId/versions',
  'POST /products/:productId/versions/:versionId',
  'POST /usages',
  'POST /usages/:usageId',
  'POST /usages/:usageId/remove',
  'POST /joint-sets',
  'POST /joint-sets/import',
  'POST /joint-sets/:setId',
  'POST /joint-sets/:setId/participants',
  'POST /joint-sets/:setId/participants/:organisationId/remove',
  'POST /joint-sets/:setId/invitation',
  'POST /joint-sets/:setId/revisions',
  'POST /joint-sets/:setId/revisions/:number/items',
  'POST /joint-sets/:setId/revisions/:number/sections',
  'POST /joint-sets/:setId/revisions/:number/sections/:sectionId',
  'POST /joint-sets/:setId/revisions/:number/sections/:sectionId/remove',
  'POST /joint-sets/:setId/revisions/:number/items/:itemId',
  'POST /joint-sets/:setId/revisions/:number/items/:itemId/remove',
  'POST /joint-sets/:setId/revisions/:number/transition',
  'POST /joint-sets/:setId/revisions/:number/comments',
  'POST /joint-sets/:setId/revisions/:number/comments/:commentId/resolution',
  'POST /joint-sets/:setId/revisions/:number/deviations/:key',
  'POST /joint-sets/:setId/revisions/:number/deviations/:key/withdraw',
  'POST /joint-sets/:setId/revisions/:number/signoffs',
  'POST /joint-sets/:setId/revisions/:number/tenders',
  'POST /joint-sets/:setId/revisions/:number/profiles',
  'POST /admin/identity-providers',
  'POST /admin/identity-providers/:providerId',
  'POST /admin/identity-providers/:providerId/delete',
  'POST /auth/oidc/:slug/link',
  'POST /organisations/:orgId/sso/policy',
  'POST /organisations/:orgId/sso/role-mappings',
  'POST /organisations/:orgId/sso/role-mappings/:mappingId/delete',
  'POST /library/kravbank',
  'POST /tenders/:tenderId/kravbank',
  'POST /tenders/:tenderId/check-runs',
  'POST /assessments/check-runs/:checkRunId/rerun',
];

/** The fields of forms whose schema is an open record (the route reads the fields itself), as the page sends them. */
const FORM_FIELDS: Record<string, string[]> = {
  'POST /library/items': ['key', 'organisationId', 'kind', 'category', 'type', 'weight', 'themes', 'title[nb]', 'text[en]', 'parametersYaml', 'references[0][source]', 'verification[method]', 'evidence[0][nb]', 'domains', 'tags', 'supersedes'],
  'POST /library/drafts/:draftId': ['revision', 'kind', 'category', 'type', 'weight', 'themes', 'title[nb]', 'text[en]', 'parametersYaml', 'references[0][source]', 'verification[method]', 'evidence[0][nb]', 'domains', 'tags', 'supersedes'],
  'POST /tenders/:tenderId/parameters': ['version', 'values[exportHours]'],
  'POST /tenders/:tenderId/items': ['keys', 'key', 'pick', 'clausesOf', 'selectionId', 'returnTo'],
  'POST /tenders/:tenderId/items/:itemId': ['type', 'weight', 'sectionId', 'values[exportHours]', 'title', 'text', 'responseGuidance'],
};

/** Garbage that names no field a form knows. */
const NO_KNOWN_FIELD = ['only the CSRF field', 'unknown fields', 'bracketed field names'];

/** What a page route answers to garbage: forms with fields re-show or refuse; forms without fields ignore the body and do their action. */
function expectedPageAnswer(route: RouteDefinition, garbage: Garbage, actor: ActorKind): 'redirect' | 'client-error' | 413 {
  const key = `${route.method.toUpperCase()} ${route.path}`;
  if (garbage.name === 'more fields than the server accepts') return 413;
  if (route.access === 'admin' && actor !== 'admin') return 'client-error';
  // An upload form without its file is refused, whatever else it holds.
  if (route.bodyType === 'multipart') return 'client-error';
  // The fixtures hold no identity provider or role mapping, so these name one that does not exist (404).
  if (['POST /admin/identity-providers/:providerId/delete', 'POST /auth/oidc/:slug/link', 'POST /organisations/:orgId/sso/role-mappings/:mappingId/delete'].includes(key)) return 'client-error';
  if (!route.body) return 'redirect';
  // (The rename form names the version it was read at, so a form with nothing in it is refused.)
  // Saving a search as a selection answers everything, refusals included, with a message on the library page.
  if (key === 'POST /library/selections') return 'redirect';
  if (NO_KNOWN_FIELD.includes(garbage.name)) {
    // (The tender item and tender-wide parameter forms name the version they were read at, so an empty one is refused.)
    // The organisation is optional when the owner edits for one only: the draft is started (or the existing one opened).
    // The administrator has no organisation to start it in.
    if (key === 'POST /library/items/:key/drafts') return actor === 'admin' ? 'client-error' : 'redirect';
    // Requiring single sign-on is a checkbox: a form without it turns the requirement off.
    if (key === 'POST /organisations/:orgId/sso/policy') return 'redirect';
    // Two joint-set forms have only optional fields, but with these fixtures an empty one is still refused:
    // a new revision while revision 2 is open (409), and withdrawing a deviation the organisation does not
    // have (404; the administrator acts for no organisation, 403). So they fall through to 'client-error'.
  }
  return 'client-error';
}

describe('the list of page forms', () => {
  test('When the app registers a page POST route, then it gets garbage forms here', () => {
    const registered = routesOf(ctx.app)
      .filter((r) => r.surface === 'page' && r.method === 'post')
      .map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(registered.filter((key) => !PAGE_POSTS.includes(key))).toEqual([]);
    expect(PAGE_POSTS.filter((key) => !registered.includes(key))).toEqual([]);
  });

  test('When a page form\'s schema has no fields to list, then this file names the fields the page sends', () => {
    const open = routesOf(ctx.app)
      .filter((r) => r.surface === 'page' && r.method === 'post' && r.body && !('shape' in r.body))
      .map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(open.sort()).toEqual(Object.keys(FORM_FIELDS).sort());
  });
});

describe.each(ACTORS)('garbage page forms as the %s', (actor) => {
  // Forms without fields act on their own (log out, revoke, remove, discard, issue, close, delete), so
  // each gets fresh fixtures: a fresh world, or for the library, tenders, the vendor register,
  // assessments and joint sets fresh ones in the shared world.
  let shared: { f: Fixtures; s: Session } | undefined;
  async function sharedWorld() {
    if (!shared) {
      const f = await buildFixtures('all');
      shared = { f, s: await sessionFor(actor, f) };
    }
    return shared;
  }
  async function worldFor(route: RouteDefinition) {
    if (route.body) return sharedWorld();
    if (/^\/(library|tenders|assessments|vendors|products|usages|joint-sets)\//.test(route.path)) {
      const { f, s } = await sharedWorld();
      return { f: await addFixturesFor(f, route.path), s };
    }
    const f = await buildFixtures();
    return { f, s: await sessionFor(actor, f) };
  }

  describe.each(PAGE_POSTS)('%s', (key) => {
    test.each(GARBAGE.map((g) => [g.name, g] as const))('When the form holds %s, then the answer is a 3xx or 4xx, never a 5xx', async (_name, garbage) => {
      const route = findRoute(key);
      const { f, s } = await worldFor(route);
      const path = fillPath(route.path, f, s);
      const fields = FORM_FIELDS[key] ?? (route.body ? Object.keys((route.body as unknown as { shape: object }).shape) : ['name', 'role']);
      const res = await s.agent.post(path).type('form').send(garbage.build(s.csrf, fields));

      const expected = expectedPageAnswer(route, garbage, actor);
      if (expected === 413) {
        expect(res.status).toBe(413);
      } else if (expected === 'redirect') {
        expect(res.status).toBe(303);
        expect(res.headers.location).toMatch(/^\/(?![/\\])/);
      } else {
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
      }
      if (res.status >= 400) {
        expect(res.headers['content-type']).toMatch(/^text\/html/);
        expect(res.text).toContain('<html');
      }
    });
  });
});

describe('answers for the whole app', () => {
  test('When a JSON body is over the size limit, then the answer is 413 request.too_large', async () => {
    const s = sessions.owner;
    const res = await s.agent.post('/api/me/tokens').set('X-CSRF-Token', s.csrf).send({ name: 'x'.repeat(2 * 1024 * 1024) });
    expectProblem(res, { status: 413, code: 'request.too_large' });
  });

  test('When an anonymous login body is over the size limit, then the answer is 413 request.too_large', async () => {
    const res = await ctx.request().post('/api/session').send({ email: 'a@example.no', password: 'x'.repeat(2 * 1024 * 1024) });
    expectProblem(res, { status: 413, code: 'request.too_large' });
  });

  test('When a page form is over the size limit, then the answer is a 413 HTML page', async () => {
    const s = sessions.owner;
    const res = await s.agent.post('/account/tokens').type('form').send({ _csrf: s.csrf, name: 'x'.repeat(2 * 1024 * 1024) });
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
  });

  test('When the JSON body is malformed, then the answer is 400 request.malformed_json', async () => {
    const s = sessions.admin;
    const res = await s.agent.patch(`/api/organisations/${fixtures.org.id}`).set('X-CSRF-Token', s.csrf).set('Content-Type', 'application/json').send("{name: 'single quotes'}");
    expectProblem(res, { status: 400, code: 'request.malformed_json' });
  });

  test.each([
    ['the response import page', 'POST /tenders/:tenderId/responses', 'vendorName=Tenkt'],
    ['the evidence upload page', 'POST /assessments/answers/:answerId/evidence', 'file=bevis.txt'],
  ])('When a broken multipart body is posted to %s, then the answer is a 400 HTML page', async (_name, key, fields) => {
    const s = sessions.owner;
    const res = await s.agent.post(fillPath(findRoute(key).path, fixtures, s)).set('Content-Type', 'multipart/form-data').send(`_csrf=${s.csrf}&${fields}`);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('<html');
  });

  test('When an anonymous caller sends malformed JSON to the login API, then the answer is 400 request.malformed_json', async () => {
    const res = await ctx.request().post('/api/session').set('Content-Type', 'application/json').send('{"email":');
    expectProblem(res, { status: 400, code: 'request.malformed_json' });
  });

  test.each(['get', 'post', 'delete'] as const)('When %s is sent to an unknown /api/ path, then the answer is a 404 problem', async (method) => {
    const s = sessions.owner;
    const req = s.agent[method]('/api/no-such-thing/here');
    const res = await (method === 'get' ? req : req.set('X-CSRF-Token', s.csrf).send({}));
    expectProblem(res, { status: 404, code: 'request.not_found' });
  });

  test('When an unknown page is asked for, then the answer is a 404 HTML page', async () => {
    for (const agent of [ctx.request(), sessions.owner.agent]) {
      const res = await agent.get('/no-such-page');
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toContain('<html');
    }
  });

  test('When a known path is called with a method it does not support, then the answer is 405 with an Allow header listing the methods it does support', async () => {
    const routes = routesOf(ctx.app);
    const byPath = new Map<string, Set<string>>();
    for (const r of routes) byPath.set(r.path, (byPath.get(r.path) ?? new Set()).add(r.method.toUpperCase()));
    expect(byPath.size).toBeGreaterThan(10);
    for (const [path, methods] of byPath) {
      const url = fillPath(path, fixtures, sessions.owner);
      const missing = (['PUT', 'PATCH', 'DELETE', 'POST', 'GET'] as const).find((m) => !methods.has(m)) as string;
      const res = await ctx.request()[missing.toLowerCase() as 'put'](url);
      expect({ path, method: missing, status: res.status }).toEqual({ path, method: missing, status: 405 });
      const allow = String(res.headers.allow).split(', ');
      const expectedAllow = [...methods, ...(methods.has('GET') ? ['HEAD'] : []), 'OPTIONS'];
      expect(allow.sort()).toEqual(expectedAllow.sort());
      if (url.startsWith('/api/')) expectProblem(res, { status: 405, code: 'request.method_not_allowed' });
      else expect(res.headers['content-type']).toMatch(/^text\/html/);
    }
  });

  test('When OPTIONS is sent to a known path, then the answer is 204 with the Allow header', async () => {
    const res = await ctx.request().options('/api/organisations');
    expect(res.status).toBe(204);
    expect(res.headers.allow).toBe('GET, HEAD, POST, OPTIONS');
  });
});
