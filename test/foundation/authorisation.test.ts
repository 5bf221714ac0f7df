import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import JSZip from 'jszip';
import ExcelJS from 'exceljs';
import type supertest from 'supertest';
import { routesOf } from '../../server/app';
import { SYSTEM_AUDIT, type Actor } from '../../server/auth/actor';
import type { UserRow } from '../../server/auth/users.table';
import { checkRuns } from '../../server/check-runs/check-runs.table';
import { generateDocument } from '../../server/documents/documents';
import { FIRST_ROW } from '../../server/documents/response-sheet.xlsx';
import { rowToForm } from '../../server/library/library.forms';
import type { OrganisationRow } from '../../server/organisations/organisations.table';
import type { RouteDefinition } from '../../server/shared/http/route';
import type { ProductVersionRow } from '../../server/vendors/vendors.table';
import { versionToPresent } from '../helpers/versioning';
import { createTestApp, type TestContext } from '../helpers/app';
import { buildOrganisation, buildUser, loginAs, TEST_PASSWORD, unique } from '../helpers/factories';
import { buildProduct } from '../assessments/fixtures';
import { freshOrgNumber } from '../vendors/fixtures';

/**
 * Route × role × status for every route the app registers. A new route fails the
 * completeness test below until its row is added here.
 *
 * Roles: `outsider` owns a different buyer organisation, `vendor` owns a vendor organisation,
 * `viewer`/`editor`/`assessor`/`owner` are members of the target organisation, `admin` is an
 * administrator with no memberships. Outsiders get 404 for anything inside the target
 * organisation (never 403, so ids reveal nothing); members without the role get 403.
 *
 * Path parameters: :orgId the target organisation, :userId another member of it (an editor),
 * :invitationId a pending invitation of it, :tokenId the caller's own API token, :token the
 * invitation's link token. The audit routes are called with ?organisationId=<target>.
 * Library and tenders (see `buildFixtures`): the shipped library is synced; :key a published
 * item (for deprecation a fresh one per case), :draftId a private draft of the target
 * organisation, :selectionId its saved selection, :tenderId its tender (items, an empty
 * section, ready to issue), :itemId an item of that tender, :sectionId its empty section,
 * :organisationId a co-buyer the tender is shared with, :document specification.docx.
 * Each case that changes something gets fresh fixtures, so publishing, discarding, removing,
 * issuing and closing never disturb another case; GET cases share one world per role.
 */
type Role = 'anonymous' | 'outsider' | 'viewer' | 'editor' | 'assessor' | 'owner' | 'vendor' | 'admin';
const ROLES: Role[] = ['anonymous', 'outsider', 'viewer', 'editor', 'assessor', 'owner', 'vendor', 'admin'];

const EXPECTED: Record<string, Record<Role, number>> = {
  // System: public.
  'GET /healthz': { anonymous: 200, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },
  'GET /api/openapi.json': { anonymous: 200, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },
  // The accessibility statement: public, at a Norwegian and an English address.
  'GET /tilgjengelighet': { anonymous: 200, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },
  'GET /accessibility': { anonymous: 200, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },

  // Pages for any logged-in user; anonymous visitors are sent to the login page.
  'GET /': { anonymous: 303, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },
  'GET /account': { anonymous: 303, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },
  'GET /organisations': { anonymous: 303, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },

  // Login and language: public forms. A logged-in user who opens the login page is sent on.
  'GET /login': { anonymous: 200, outsider: 303, viewer: 303, editor: 303, assessor: 303, owner: 303, vendor: 303, admin: 303 },
  'POST /login': { anonymous: 303, outsider: 303, viewer: 303, editor: 303, assessor: 303, owner: 303, vendor: 303, admin: 303 },
  'POST /language': { anonymous: 303, outsider: 303, viewer: 303, editor: 303, assessor: 303, owner: 303, vendor: 303, admin: 303 },

  // The caller's own session and account.
  'POST /logout': { anonymous: 401, outsider: 303, viewer: 303, editor: 303, assessor: 303, owner: 303, vendor: 303, admin: 303 },
  // Choosing the organisation to work in: only among one's own memberships. The administrator has
  // none, so for them the target organisation is "not found" as well.
  'POST /session/organisation': { anonymous: 401, outsider: 404, viewer: 303, editor: 303, assessor: 303, owner: 303, vendor: 404, admin: 404 },
  'POST /account/password': { anonymous: 401, outsider: 303, viewer: 303, editor: 303, assessor: 303, owner: 303, vendor: 303, admin: 303 },
  'POST /account/tokens': { anonymous: 401, outsider: 201, viewer: 201, editor: 201, assessor: 201, owner: 201, vendor: 201, admin: 201 },
  'POST /account/tokens/:tokenId/revoke': { anonymous: 401, outsider: 303, viewer: 303, editor: 303, assessor: 303, owner: 303, vendor: 303, admin: 303 },
  'POST /api/session': { anonymous: 201, outsider: 201, viewer: 201, editor: 201, assessor: 201, owner: 201, vendor: 201, admin: 201 },
  'GET /api/session': { anonymous: 401, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },
  'DELETE /api/session': { anonymous: 401, outsider: 204, viewer: 204, editor: 204, assessor: 204, owner: 204, vendor: 204, admin: 204 },
  'PUT /api/me/password': { anonymous: 401, outsider: 204, viewer: 204, editor: 204, assessor: 204, owner: 204, vendor: 204, admin: 204 },
  'GET /api/me/tokens': { anonymous: 401, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },
  'POST /api/me/tokens': { anonymous: 401, outsider: 201, viewer: 201, editor: 201, assessor: 201, owner: 201, vendor: 201, admin: 201 },
  'DELETE /api/me/tokens/:tokenId': { anonymous: 401, outsider: 204, viewer: 204, editor: 204, assessor: 204, owner: 204, vendor: 204, admin: 204 },

  // Creating organisations: administrators only.
  'GET /organisations/new': { anonymous: 303, outsider: 403, viewer: 403, editor: 403, assessor: 403, owner: 403, vendor: 403, admin: 200 },
  'POST /organisations': { anonymous: 401, outsider: 403, viewer: 403, editor: 403, assessor: 403, owner: 403, vendor: 403, admin: 303 },
  'GET /api/organisations': { anonymous: 401, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },
  'POST /api/organisations': { anonymous: 401, outsider: 403, viewer: 403, editor: 403, assessor: 403, owner: 403, vendor: 403, admin: 201 },

  // Reading the target organisation: any member.
  'GET /organisations/:orgId': { anonymous: 303, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'GET /api/organisations/:orgId': { anonymous: 401, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'GET /api/organisations/:orgId/members': { anonymous: 401, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'GET /api/organisations/:orgId/members/:userId': { anonymous: 401, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },

  // Managing the target organisation: owners.
  'POST /organisations/:orgId': { anonymous: 401, outsider: 404, viewer: 403, editor: 403, assessor: 403, owner: 303, vendor: 404, admin: 303 },
  'POST /organisations/:orgId/members/:userId/role': { anonymous: 401, outsider: 404, viewer: 403, editor: 403, assessor: 403, owner: 303, vendor: 404, admin: 303 },
  'GET /organisations/:orgId/members/:userId/remove': { anonymous: 303, outsider: 404, viewer: 403, editor: 403, assessor: 403, owner: 200, vendor: 404, admin: 200 },
  'POST /organisations/:orgId/members/:userId/remove': { anonymous: 401, outsider: 404, viewer: 403, editor: 403, assessor: 403, owner: 303, vendor: 404, admin: 303 },
  'POST /organisations/:orgId/invitations': { anonymous: 401, outsider: 404, viewer: 403, editor: 403, assessor: 403, owner: 201, vendor: 404, admin: 201 },
  'POST /organisations/:orgId/invitations/:invitationId/revoke': { anonymous: 401, outsider: 404, viewer: 403, editor: 403, assessor: 403, owner: 303, vendor: 404, admin: 303 },
  'PATCH /api/organisations/:orgId': { anonymous: 401, outsider: 404, viewer: 403, editor: 403, assessor: 403, owner: 200, vendor: 404, admin: 200 },
  'PUT /api/organisations/:orgId/members/:userId': { anonymous: 401, outsider: 404, viewer: 403, editor: 403, assessor: 403, owner: 204, vendor: 404, admin: 204 },
  'DELETE /api/organisations/:orgId/members/:userId': { anonymous: 401, outsider: 404, viewer: 403, editor: 403, assessor: 403, owner: 204, vendor: 404, admin: 204 },
  'GET /api/organisations/:orgId/invitations': { anonymous: 401, outsider: 404, viewer: 403, editor: 403, assessor: 403, owner: 200, vendor: 404, admin: 200 },
  'POST /api/organisations/:orgId/invitations': { anonymous: 401, outsider: 404, viewer: 403, editor: 403, assessor: 403, owner: 201, vendor: 404, admin: 201 },
  'DELETE /api/organisations/:orgId/invitations/:invitationId': { anonymous: 401, outsider: 404, viewer: 403, editor: 403, assessor: 403, owner: 204, vendor: 404, admin: 204 },

  // The invitation link: anyone holding it may see it; only the invited email may accept it.
  // The invitee has no account, so the anonymous visitor creates one; everybody else is
  // logged in as another email.
  'GET /invitations/:token': { anonymous: 200, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },
  'POST /invitations/:token': { anonymous: 303, outsider: 403, viewer: 403, editor: 403, assessor: 403, owner: 403, vendor: 403, admin: 403 },
  'POST /api/invitations/:token/accept': { anonymous: 200, outsider: 403, viewer: 403, editor: 403, assessor: 403, owner: 403, vendor: 403, admin: 403 },

  // The target organisation's audit log: owners.
  'GET /api/audit': { anonymous: 401, outsider: 404, viewer: 403, editor: 403, assessor: 403, owner: 200, vendor: 404, admin: 200 },
  'GET /audit': { anonymous: 303, outsider: 404, viewer: 403, editor: 403, assessor: 403, owner: 200, vendor: 404, admin: 200 },
  'GET /api/audit/verify': { anonymous: 401, outsider: 404, viewer: 403, editor: 403, assessor: 403, owner: 200, vendor: 404, admin: 200 },

  // Exit: owners export their organisation; :exportId is a queued export of the target
  // organisation, so its download is not ready (409). Backups are for administrators.
  // Imports are for administrators, and this installation is not empty (409); :importId names no import.
  'POST /exit/imports': { anonymous: 401, outsider: 403, viewer: 403, editor: 403, assessor: 403, owner: 403, vendor: 403, admin: 409 },
  'GET /exit/imports/:importId': { anonymous: 303, outsider: 404, viewer: 404, editor: 404, assessor: 404, owner: 404, vendor: 404, admin: 404 },
  'POST /api/exit/imports': { anonymous: 401, outsider: 403, viewer: 403, editor: 403, assessor: 403, owner: 403, vendor: 403, admin: 409 },
  'GET /api/exit/imports/:importId': { anonymous: 401, outsider: 404, viewer: 404, editor: 404, assessor: 404, owner: 404, vendor: 404, admin: 404 },
  'GET /exit': { anonymous: 303, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },
  'POST /exit/exports': { anonymous: 401, outsider: 404, viewer: 403, editor: 403, assessor: 403, owner: 303, vendor: 404, admin: 303 },
  'GET /exit/exports/:exportId': { anonymous: 303, outsider: 404, viewer: 404, editor: 404, assessor: 404, owner: 200, vendor: 404, admin: 200 },
  'POST /api/exit/exports': { anonymous: 401, outsider: 404, viewer: 403, editor: 403, assessor: 403, owner: 202, vendor: 404, admin: 202 },
  'GET /api/exit/exports/:exportId': { anonymous: 401, outsider: 404, viewer: 404, editor: 404, assessor: 404, owner: 200, vendor: 404, admin: 200 },
  'GET /api/exit/exports/:exportId/download': { anonymous: 401, outsider: 404, viewer: 404, editor: 404, assessor: 404, owner: 409, vendor: 404, admin: 409 },
  'POST /api/exit/backup': { anonymous: 401, outsider: 403, viewer: 403, editor: 403, assessor: 403, owner: 403, vendor: 403, admin: process.env.DATABASE_URL ? 409 : 200 },

  // The shared library: every logged-in user reads published items, vendors included.
  'GET /api/library/items': { anonymous: 401, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },
  'GET /api/library/items/:key': { anonymous: 401, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },
  'GET /api/library/items/:key/versions': { anonymous: 401, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },
  'GET /api/library/items/:key/diff': { anonymous: 401, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },
  'GET /api/library/items/:key/export': { anonymous: 401, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },
  'GET /api/library/drafts': { anonymous: 401, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },
  'POST /api/library/render': { anonymous: 401, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },
  // Sector packs (:pack school-kindergarten): read like the rest of the library.
  'GET /api/library/packs': { anonymous: 401, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },
  'GET /api/library/packs/:pack': { anonymous: 401, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },
  'GET /api/library/sources': { anonymous: 401, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },
  'GET /api/library/export': { anonymous: 401, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },
  'GET /library': { anonymous: 303, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },
  'GET /library/export': { anonymous: 303, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },
  'GET /library/items/:key': { anonymous: 303, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },
  'GET /library/items/:key/diff': { anonymous: 303, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },
  // The confirmation page only shows the item; deprecating it is checked on the POST.
  'GET /library/items/:key/deprecate': { anonymous: 303, outsider: 200, viewer: 403, editor: 200, assessor: 403, owner: 200, vendor: 403, admin: 200 },

  // Starting drafts: editors and owners of a buyer or council, for their own organisation (the
  // outsider starts one in theirs). The administrator has no organisation to start it in.
  'POST /api/library/items': { anonymous: 401, outsider: 201, viewer: 403, editor: 201, assessor: 403, owner: 201, vendor: 403, admin: 403 },
  'POST /api/library/items/:key/drafts': { anonymous: 401, outsider: 201, viewer: 403, editor: 201, assessor: 403, owner: 201, vendor: 403, admin: 403 },
  'POST /library/items': { anonymous: 401, outsider: 303, viewer: 403, editor: 303, assessor: 403, owner: 303, vendor: 403, admin: 403 },
  'POST /library/items/:key/drafts': { anonymous: 401, outsider: 303, viewer: 403, editor: 303, assessor: 403, owner: 303, vendor: 403, admin: 403 },
  // Importing a Kravbank bank (test/kravbank/fixtures/skole-bank.json) makes drafts of the caller's own
  // organisation, like starting drafts: the administrator has no organisation to own them. The import
  // page itself is shown to every logged-in user; the POST is checked (the page shows the result with 201).
  'POST /api/library/kravbank/import': { anonymous: 401, outsider: 201, viewer: 403, editor: 201, assessor: 403, owner: 201, vendor: 403, admin: 403 },
  'POST /library/kravbank': { anonymous: 401, outsider: 201, viewer: 403, editor: 201, assessor: 403, owner: 201, vendor: 403, admin: 403 },
  'GET /library/kravbank': { anonymous: 303, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },
  // The form for a new item: anyone who can edit the library, the administrator included.
  'GET /library/new': { anonymous: 303, outsider: 200, viewer: 403, editor: 200, assessor: 403, owner: 200, vendor: 403, admin: 200 },
  // Deprecating a published item (a fresh one per case): editors and owners of any buyer or council, and administrators.
  'POST /api/library/items/:key/deprecate': { anonymous: 401, outsider: 200, viewer: 403, editor: 200, assessor: 403, owner: 200, vendor: 403, admin: 200 },
  'POST /library/items/:key/deprecate': { anonymous: 401, outsider: 303, viewer: 403, editor: 303, assessor: 403, owner: 303, vendor: 403, admin: 303 },

  // A private draft of the target organisation (:draftId, a fresh one per case): members read it,
  // editors and owners change, publish and discard it; for everybody else it does not exist.
  'GET /api/library/drafts/:draftId': { anonymous: 401, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'PUT /api/library/drafts/:draftId': { anonymous: 401, outsider: 404, viewer: 403, editor: 200, assessor: 403, owner: 200, vendor: 404, admin: 200 },
  'DELETE /api/library/drafts/:draftId': { anonymous: 401, outsider: 404, viewer: 403, editor: 204, assessor: 403, owner: 204, vendor: 404, admin: 204 },
  'POST /api/library/drafts/:draftId/publish': { anonymous: 401, outsider: 404, viewer: 403, editor: 200, assessor: 403, owner: 200, vendor: 404, admin: 200 },
  'GET /library/drafts/:draftId': { anonymous: 303, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'POST /library/drafts/:draftId': { anonymous: 401, outsider: 404, viewer: 403, editor: 303, assessor: 403, owner: 303, vendor: 404, admin: 303 },
  'POST /library/drafts/:draftId/publish': { anonymous: 401, outsider: 404, viewer: 403, editor: 303, assessor: 403, owner: 303, vendor: 404, admin: 303 },
  'GET /library/drafts/:draftId/discard': { anonymous: 303, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'POST /library/drafts/:draftId/discard': { anonymous: 401, outsider: 404, viewer: 403, editor: 303, assessor: 403, owner: 303, vendor: 404, admin: 303 },

  // Saved selections belong to a buyer organisation: listing shows one's own, saving needs the
  // editor or owner role in a buyer, and the target organisation's selection (:selectionId) is
  // deleted only by its editors and owners. The administrator, without memberships, has none.
  'GET /api/library/selections': { anonymous: 401, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },
  'POST /api/library/selections': { anonymous: 401, outsider: 201, viewer: 403, editor: 201, assessor: 403, owner: 201, vendor: 403, admin: 403 },
  'DELETE /api/library/selections/:selectionId': { anonymous: 401, outsider: 404, viewer: 403, editor: 204, assessor: 403, owner: 204, vendor: 404, admin: 404 },
  // Saving the library search as a selection from the library page: every answer goes back to the
  // library page, a refusal as a message there (see "the effects behind the answers").
  'POST /library/selections': { anonymous: 401, outsider: 303, viewer: 303, editor: 303, assessor: 303, owner: 303, vendor: 303, admin: 303 },

  // Tenders: lists show only one's own; a new tender needs the editor or owner role in a buyer
  // (the outsider creates one in theirs; the administrator has no buyer to create it in).
  'GET /api/tenders': { anonymous: 401, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },
  'POST /api/tenders': { anonymous: 401, outsider: 201, viewer: 403, editor: 201, assessor: 403, owner: 201, vendor: 403, admin: 403 },
  'GET /tenders': { anonymous: 303, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },
  // The form is shown to everybody; it offers only the buyers where one may create, and the POST is checked.
  'GET /tenders/new': { anonymous: 303, outsider: 200, viewer: 403, editor: 200, assessor: 403, owner: 200, vendor: 403, admin: 403 },
  'POST /tenders': { anonymous: 401, outsider: 303, viewer: 403, editor: 303, assessor: 403, owner: 303, vendor: 403, admin: 403 },

  // A tender of the target organisation (:tenderId, fresh per case, with items, an empty section
  // and a co-buyer): members and administrators read it; other organisations and vendors get 404.
  'GET /api/tenders/:tenderId': { anonymous: 401, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'GET /api/tenders/:tenderId/items': { anonymous: 401, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'GET /api/tenders/:tenderId/items/:itemId': { anonymous: 401, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  // Its requirement set as a Kravbank specification, and the page to import and download it.
  'GET /api/tenders/:tenderId/kravbank': { anonymous: 401, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'GET /tenders/:tenderId/kravbank': { anonymous: 303, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'GET /api/tenders/:tenderId/checks': { anonymous: 401, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'GET /api/tenders/:tenderId/revisions': { anonymous: 401, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'GET /api/tenders/:tenderId/documents/:document': { anonymous: 401, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'GET /api/tenders/:tenderId/responses': { anonymous: 401, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'GET /tenders/:tenderId': { anonymous: 303, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'GET /tenders/:tenderId/picker': { anonymous: 303, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'GET /tenders/:tenderId/items/:itemId': { anonymous: 303, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'GET /tenders/:tenderId/documents/:document': { anonymous: 303, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'GET /tenders/:tenderId/preview': { anonymous: 303, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },

  // Changing it: editors and owners of the buyer, and administrators; viewers and assessors get 403.
  'PUT /api/tenders/:tenderId': { anonymous: 401, outsider: 404, viewer: 403, editor: 200, assessor: 403, owner: 200, vendor: 404, admin: 200 },
  'POST /api/tenders/:tenderId/items': { anonymous: 401, outsider: 404, viewer: 403, editor: 201, assessor: 403, owner: 201, vendor: 404, admin: 201 },
  'PUT /api/tenders/:tenderId/items/:itemId': { anonymous: 401, outsider: 404, viewer: 403, editor: 204, assessor: 403, owner: 204, vendor: 404, admin: 204 },
  'DELETE /api/tenders/:tenderId/items/:itemId': { anonymous: 401, outsider: 404, viewer: 403, editor: 204, assessor: 403, owner: 204, vendor: 404, admin: 204 },
  'POST /api/tenders/:tenderId/items/:itemId/move': { anonymous: 401, outsider: 404, viewer: 403, editor: 204, assessor: 403, owner: 204, vendor: 404, admin: 204 },
  'POST /api/tenders/:tenderId/items/:itemId/upgrade': { anonymous: 401, outsider: 404, viewer: 403, editor: 204, assessor: 403, owner: 204, vendor: 404, admin: 204 },
  'POST /api/tenders/:tenderId/weights/normalise': { anonymous: 401, outsider: 404, viewer: 403, editor: 204, assessor: 403, owner: 204, vendor: 404, admin: 204 },
  'POST /api/tenders/:tenderId/sections': { anonymous: 401, outsider: 404, viewer: 403, editor: 201, assessor: 403, owner: 201, vendor: 404, admin: 201 },
  'PUT /api/tenders/:tenderId/sections/:sectionId': { anonymous: 401, outsider: 404, viewer: 403, editor: 204, assessor: 403, owner: 204, vendor: 404, admin: 204 },
  'DELETE /api/tenders/:tenderId/sections/:sectionId': { anonymous: 401, outsider: 404, viewer: 403, editor: 204, assessor: 403, owner: 204, vendor: 404, admin: 204 },
  'POST /api/tenders/:tenderId/sections/:sectionId/move': { anonymous: 401, outsider: 404, viewer: 403, editor: 204, assessor: 403, owner: 204, vendor: 404, admin: 204 },
  'PUT /api/tenders/:tenderId/co-buyers/:organisationId': { anonymous: 401, outsider: 404, viewer: 403, editor: 204, assessor: 403, owner: 204, vendor: 404, admin: 204 },
  'DELETE /api/tenders/:tenderId/co-buyers/:organisationId': { anonymous: 401, outsider: 404, viewer: 403, editor: 204, assessor: 403, owner: 204, vendor: 404, admin: 204 },
  'POST /api/tenders/:tenderId/issue': { anonymous: 401, outsider: 404, viewer: 403, editor: 200, assessor: 403, owner: 200, vendor: 404, admin: 200 },
  'POST /api/tenders/:tenderId/close': { anonymous: 401, outsider: 404, viewer: 403, editor: 204, assessor: 403, owner: 204, vendor: 404, admin: 204 },
  // Importing a vendor's filled response sheet for the issued revision (a real, generated sheet).
  'POST /api/tenders/:tenderId/responses': { anonymous: 401, outsider: 404, viewer: 403, editor: 201, assessor: 403, owner: 201, vendor: 404, admin: 201 },
  'POST /tenders/:tenderId': { anonymous: 401, outsider: 404, viewer: 403, editor: 303, assessor: 403, owner: 303, vendor: 404, admin: 303 },
  'POST /tenders/:tenderId/parameters': { anonymous: 401, outsider: 404, viewer: 403, editor: 303, assessor: 403, owner: 303, vendor: 404, admin: 303 },
  'POST /tenders/:tenderId/items': { anonymous: 401, outsider: 404, viewer: 403, editor: 303, assessor: 403, owner: 303, vendor: 404, admin: 303 },
  'POST /tenders/:tenderId/custom-items': { anonymous: 401, outsider: 404, viewer: 403, editor: 303, assessor: 403, owner: 303, vendor: 404, admin: 303 },
  'POST /tenders/:tenderId/items/:itemId': { anonymous: 401, outsider: 404, viewer: 403, editor: 303, assessor: 403, owner: 303, vendor: 404, admin: 303 },
  'POST /tenders/:tenderId/items/:itemId/move': { anonymous: 401, outsider: 404, viewer: 403, editor: 303, assessor: 403, owner: 303, vendor: 404, admin: 303 },
  'POST /tenders/:tenderId/items/:itemId/upgrade': { anonymous: 401, outsider: 404, viewer: 403, editor: 303, assessor: 403, owner: 303, vendor: 404, admin: 303 },
  'GET /tenders/:tenderId/items/:itemId/remove': { anonymous: 303, outsider: 404, viewer: 403, editor: 200, assessor: 403, owner: 200, vendor: 404, admin: 200 },
  'POST /tenders/:tenderId/items/:itemId/remove': { anonymous: 401, outsider: 404, viewer: 403, editor: 303, assessor: 403, owner: 303, vendor: 404, admin: 303 },
  'POST /tenders/:tenderId/weights/normalise': { anonymous: 401, outsider: 404, viewer: 403, editor: 303, assessor: 403, owner: 303, vendor: 404, admin: 303 },
  'POST /tenders/:tenderId/sections': { anonymous: 401, outsider: 404, viewer: 403, editor: 303, assessor: 403, owner: 303, vendor: 404, admin: 303 },
  'POST /tenders/:tenderId/sections/:sectionId': { anonymous: 401, outsider: 404, viewer: 403, editor: 303, assessor: 403, owner: 303, vendor: 404, admin: 303 },
  'POST /tenders/:tenderId/sections/:sectionId/move': { anonymous: 401, outsider: 404, viewer: 403, editor: 303, assessor: 403, owner: 303, vendor: 404, admin: 303 },
  'GET /tenders/:tenderId/sections/:sectionId/remove': { anonymous: 303, outsider: 404, viewer: 403, editor: 200, assessor: 403, owner: 200, vendor: 404, admin: 200 },
  'POST /tenders/:tenderId/sections/:sectionId/remove': { anonymous: 401, outsider: 404, viewer: 403, editor: 303, assessor: 403, owner: 303, vendor: 404, admin: 303 },
  'POST /tenders/:tenderId/co-buyers': { anonymous: 401, outsider: 404, viewer: 403, editor: 303, assessor: 403, owner: 303, vendor: 404, admin: 303 },
  'POST /tenders/:tenderId/co-buyers/:organisationId/remove': { anonymous: 401, outsider: 404, viewer: 403, editor: 303, assessor: 403, owner: 303, vendor: 404, admin: 303 },
  'POST /tenders/:tenderId/issue': { anonymous: 401, outsider: 404, viewer: 403, editor: 303, assessor: 403, owner: 303, vendor: 404, admin: 303 },
  'POST /tenders/:tenderId/close': { anonymous: 401, outsider: 404, viewer: 403, editor: 303, assessor: 403, owner: 303, vendor: 404, admin: 303 },
  'POST /tenders/:tenderId/responses': { anonymous: 401, outsider: 404, viewer: 403, editor: 303, assessor: 403, owner: 303, vendor: 404, admin: 303 },
  // Importing a Kravbank bank into the tender (each need a section): as for adding items.
  'POST /api/tenders/:tenderId/kravbank': { anonymous: 401, outsider: 404, viewer: 403, editor: 201, assessor: 403, owner: 201, vendor: 404, admin: 201 },
  'POST /tenders/:tenderId/kravbank': { anonymous: 401, outsider: 404, viewer: 403, editor: 303, assessor: 403, owner: 303, vendor: 404, admin: 303 },
  // Checking a bidder's files against the tender's declared checks, and the list of those checks: the
  // tender's buyer (its editors and owners) and administrators; viewers and assessors of the buyer 403.
  'POST /api/tenders/:tenderId/check-runs': { anonymous: 401, outsider: 404, viewer: 403, editor: 201, assessor: 403, owner: 201, vendor: 404, admin: 201 },
  'POST /tenders/:tenderId/check-runs': { anonymous: 401, outsider: 404, viewer: 403, editor: 303, assessor: 403, owner: 303, vendor: 404, admin: 303 },
  'GET /tenders/:tenderId/check-runs': { anonymous: 303, outsider: 404, viewer: 403, editor: 200, assessor: 403, owner: 200, vendor: 404, admin: 200 },
  // The vendor register (see `buildFixtures`): :vendorId a vendor organisation (with an organisation
  // number) and its owner, :productId its product, :versionId that product's version, :usageId the
  // target organisation's usage of the product, and for withdrawing, :invitationId a pending
  // invitation of the VENDOR (not of the target organisation). The register is read by every
  // member of a buyer or council and by administrators; the `vendor` (the owner of ANOTHER vendor)
  // sees only its own vendor, so this one is 404. Registering and changing vendors, products and
  // versions: owners, editors and assessors of any buyer or council (the outsider too), and
  // administrators; viewers 403.
  'GET /api/vendors': { anonymous: 401, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },
  'POST /api/vendors': { anonymous: 401, outsider: 201, viewer: 403, editor: 201, assessor: 201, owner: 201, vendor: 403, admin: 201 },
  'GET /api/vendors/:vendorId': { anonymous: 401, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'PATCH /api/vendors/:vendorId': { anonymous: 401, outsider: 200, viewer: 403, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'GET /api/vendors/:vendorId/invitations': { anonymous: 401, outsider: 200, viewer: 403, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'POST /api/vendors/:vendorId/invitations': { anonymous: 401, outsider: 201, viewer: 403, editor: 201, assessor: 201, owner: 201, vendor: 404, admin: 201 },
  'DELETE /api/vendors/:vendorId/invitations/:invitationId': { anonymous: 401, outsider: 204, viewer: 403, editor: 204, assessor: 204, owner: 204, vendor: 404, admin: 204 },
  'GET /api/products': { anonymous: 401, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },
  // The body names the fixture vendor, which the other vendor's owner cannot see.
  'POST /api/products': { anonymous: 401, outsider: 201, viewer: 403, editor: 201, assessor: 201, owner: 201, vendor: 404, admin: 201 },
  'GET /api/products/:productId': { anonymous: 401, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'PATCH /api/products/:productId': { anonymous: 401, outsider: 200, viewer: 403, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'GET /api/products/:productId/versions': { anonymous: 401, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'GET /api/products/:productId/versions/:versionId': { anonymous: 401, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'POST /api/products/:productId/versions': { anonymous: 401, outsider: 201, viewer: 403, editor: 201, assessor: 201, owner: 201, vendor: 404, admin: 201 },
  'PATCH /api/products/:productId/versions/:versionId': { anonymous: 401, outsider: 200, viewer: 403, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'GET /vendors': { anonymous: 303, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },
  'GET /vendors/new': { anonymous: 303, outsider: 200, viewer: 403, editor: 200, assessor: 200, owner: 200, vendor: 403, admin: 200 },
  'POST /vendors': { anonymous: 401, outsider: 303, viewer: 403, editor: 303, assessor: 303, owner: 303, vendor: 403, admin: 303 },
  'GET /vendors/:vendorId': { anonymous: 303, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'POST /vendors/:vendorId': { anonymous: 401, outsider: 303, viewer: 403, editor: 303, assessor: 303, owner: 303, vendor: 404, admin: 303 },
  'POST /vendors/:vendorId/products': { anonymous: 401, outsider: 303, viewer: 403, editor: 303, assessor: 303, owner: 303, vendor: 404, admin: 303 },
  // The page shows the new invitation link once, with 201.
  'POST /vendors/:vendorId/invitations': { anonymous: 401, outsider: 201, viewer: 403, editor: 201, assessor: 201, owner: 201, vendor: 404, admin: 201 },
  'POST /vendors/:vendorId/invitations/:invitationId/revoke': { anonymous: 401, outsider: 303, viewer: 403, editor: 303, assessor: 303, owner: 303, vendor: 404, admin: 303 },
  'GET /products': { anonymous: 303, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },
  'GET /products/:productId': { anonymous: 303, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'POST /products/:productId': { anonymous: 401, outsider: 303, viewer: 403, editor: 303, assessor: 303, owner: 303, vendor: 404, admin: 303 },
  'POST /products/:productId/versions': { anonymous: 401, outsider: 303, viewer: 403, editor: 303, assessor: 303, owner: 303, vendor: 404, admin: 303 },
  'POST /products/:productId/versions/:versionId': { anonymous: 401, outsider: 303, viewer: 403, editor: 303, assessor: 303, owner: 303, vendor: 404, admin: 303 },

  // Usages belong to the target organisation (the lists and the exposure are asked for with
  // ?organisationId=<target>, new usages are recorded for it): its members read them, its owners
  // and editors change them (viewers and assessors 403), everybody else gets 404. Without a filter
  // the API list holds one's own buyers' usages only, so it is 200 for everybody. The form for a
  // new usage is shown to everybody; it offers only the buyers where one may record, and the POST is checked.
  'GET /api/usages': { anonymous: 401, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },
  'POST /api/usages': { anonymous: 401, outsider: 404, viewer: 403, editor: 201, assessor: 403, owner: 201, vendor: 404, admin: 201 },
  'GET /api/usages/exposure': { anonymous: 401, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'GET /api/usages/:usageId': { anonymous: 401, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'PATCH /api/usages/:usageId': { anonymous: 401, outsider: 404, viewer: 403, editor: 200, assessor: 403, owner: 200, vendor: 404, admin: 200 },
  'DELETE /api/usages/:usageId': { anonymous: 401, outsider: 404, viewer: 403, editor: 204, assessor: 403, owner: 204, vendor: 404, admin: 204 },
  'GET /vendors/exposure': { anonymous: 303, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'GET /usages': { anonymous: 303, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'GET /usages/new': { anonymous: 303, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },
  'POST /usages': { anonymous: 401, outsider: 404, viewer: 403, editor: 303, assessor: 403, owner: 303, vendor: 404, admin: 303 },
  'GET /usages/:usageId': { anonymous: 303, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'POST /usages/:usageId': { anonymous: 401, outsider: 404, viewer: 403, editor: 303, assessor: 403, owner: 303, vendor: 404, admin: 303 },
  'POST /usages/:usageId/remove': { anonymous: 401, outsider: 404, viewer: 403, editor: 303, assessor: 403, owner: 303, vendor: 404, admin: 303 },

  // Assessment profiles (:profileId, a private profile owned by the target organisation): its
  // members and administrators read it, owners, editors and assessors change it (viewers 403);
  // for other organisations and vendors it does not exist. A new profile belongs to the caller's
  // own buyer (the outsider's to theirs); viewers, vendors and the administrator have none to own it.
  'GET /api/profiles': { anonymous: 401, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },
  'POST /api/profiles': { anonymous: 401, outsider: 201, viewer: 403, editor: 201, assessor: 201, owner: 201, vendor: 403, admin: 403 },
  'GET /api/profiles/:profileId': { anonymous: 401, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'PUT /api/profiles/:profileId': { anonymous: 401, outsider: 404, viewer: 403, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'DELETE /api/profiles/:profileId': { anonymous: 401, outsider: 404, viewer: 403, editor: 204, assessor: 204, owner: 204, vendor: 404, admin: 204 },
  'GET /api/profiles/:profileId/requests': { anonymous: 401, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  // Asking the fixture product's vendor to answer: on behalf of an organisation where one assesses, so not the administrator.
  'POST /api/profiles/:profileId/requests': { anonymous: 401, outsider: 404, viewer: 403, editor: 201, assessor: 201, owner: 201, vendor: 404, admin: 403 },
  'GET /assessments': { anonymous: 303, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },
  // The form is shown to everybody; it offers only the organisations where one may create, and the POST is checked.
  'GET /assessments/profiles/new': { anonymous: 303, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },
  'POST /assessments/profiles': { anonymous: 401, outsider: 303, viewer: 403, editor: 303, assessor: 303, owner: 303, vendor: 403, admin: 403 },
  'GET /assessments/profiles/:profileId': { anonymous: 303, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'POST /assessments/profiles/:profileId': { anonymous: 401, outsider: 404, viewer: 403, editor: 303, assessor: 303, owner: 303, vendor: 404, admin: 303 },
  'POST /assessments/profiles/:profileId/delete': { anonymous: 401, outsider: 404, viewer: 403, editor: 303, assessor: 303, owner: 303, vendor: 404, admin: 303 },
  'POST /assessments/profiles/:profileId/requests': { anonymous: 401, outsider: 404, viewer: 403, editor: 303, assessor: 303, owner: 303, vendor: 404, admin: 403 },

  // Answers of the fixture vendor's product (:productVersionId the product version, :answerId its
  // answer to EXP-001 with an evidence file (:evidenceId) and a review by the target organisation):
  // read by every member of a buyer or council and by administrators (reviews are shared, internal
  // notes are not: see "the effects behind the answers"); another vendor gets 404. Only the owners
  // and editors of the product's own vendor answer and upload evidence, so everybody here gets 403
  // (the vendor's own owner is in the effect tests). Reviews and messages come from owners, editors
  // and assessors of any buyer or council (the outsider on behalf of theirs), not from administrators.
  'GET /api/assessments/answers': { anonymous: 401, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'POST /api/assessments/answers': { anonymous: 401, outsider: 403, viewer: 403, editor: 403, assessor: 403, owner: 403, vendor: 404, admin: 403 },
  'GET /api/assessments/answers/:answerId': { anonymous: 401, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'POST /api/assessments/answers/:answerId/evidence': { anonymous: 401, outsider: 403, viewer: 403, editor: 403, assessor: 403, owner: 403, vendor: 404, admin: 403 },
  'GET /api/assessments/evidence/:evidenceId': { anonymous: 401, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'POST /api/assessments/answers/:answerId/verifications': { anonymous: 401, outsider: 201, viewer: 403, editor: 201, assessor: 201, owner: 201, vendor: 404, admin: 403 },
  'GET /api/assessments/answers/:answerId/messages': { anonymous: 401, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'POST /api/assessments/answers/:answerId/messages': { anonymous: 401, outsider: 201, viewer: 403, editor: 201, assessor: 201, owner: 201, vendor: 404, admin: 403 },
  'GET /assessments/products/:productVersionId': { anonymous: 303, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  // The answer form is shown read-only to those who may see the product; saving is checked.
  'GET /assessments/products/:productVersionId/answer': { anonymous: 303, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'POST /assessments/products/:productVersionId/answers': { anonymous: 401, outsider: 403, viewer: 403, editor: 403, assessor: 403, owner: 403, vendor: 404, admin: 403 },
  'GET /assessments/answers/:answerId': { anonymous: 303, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'POST /assessments/answers/:answerId/evidence': { anonymous: 401, outsider: 403, viewer: 403, editor: 403, assessor: 403, owner: 403, vendor: 404, admin: 403 },
  'POST /assessments/answers/:answerId/verifications': { anonymous: 401, outsider: 303, viewer: 403, editor: 303, assessor: 303, owner: 303, vendor: 404, admin: 403 },
  'POST /assessments/answers/:answerId/messages': { anonymous: 401, outsider: 303, viewer: 403, editor: 303, assessor: 303, owner: 303, vendor: 404, admin: 403 },

  // Check runs (:checkRunId the run of the answer's evidence, finished as failed so that it may run
  // again): seen by whoever sees the product, so another vendor gets 404; run again by owners,
  // editors and assessors of a buyer or council (the outsider too) and administrators, not viewers.
  // The list holds the runs one may see (for the administrator: all), so it is 200 for everybody.
  'GET /api/check-runs': { anonymous: 401, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },
  'GET /api/check-runs/:checkRunId': { anonymous: 401, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'GET /api/check-runs/:checkRunId/status': { anonymous: 401, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'POST /api/check-runs/:checkRunId/rerun': { anonymous: 401, outsider: 201, viewer: 403, editor: 201, assessor: 201, owner: 201, vendor: 404, admin: 201 },
  'GET /assessments/check-runs/:checkRunId': { anonymous: 303, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'POST /assessments/check-runs/:checkRunId/rerun': { anonymous: 401, outsider: 303, viewer: 403, editor: 303, assessor: 303, owner: 303, vendor: 404, admin: 303 },

  // Scores, comparison, ranking, exports and the chart against the target organisation's private
  // profile (?profileId): buyers, councils and administrators who may see the profile; the other
  // buyer gets 404 for the profile, vendors 403 before any profile is looked at. The review queue
  // (without a profile) is for every buyer and council; vendors 403. Vendors' own feedback list is
  // open to every logged-in user (empty for those who are not vendors).
  'GET /api/assessments/scores': { anonymous: 401, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'GET /api/assessments/comparison': { anonymous: 401, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 403, admin: 200 },
  'GET /api/assessments/ranking': { anonymous: 401, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 403, admin: 200 },
  'GET /api/assessments/comparison/export': { anonymous: 401, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 403, admin: 200 },
  'GET /api/assessments/chart': { anonymous: 401, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 403, admin: 200 },
  'GET /api/assessments/queue': { anonymous: 401, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 403, admin: 200 },
  'GET /api/assessments/feedback': { anonymous: 401, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },
  'GET /assessments/compare': { anonymous: 303, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 403, admin: 200 },
  'GET /assessments/queue': { anonymous: 303, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 403, admin: 200 },

  // The public register: this app runs with PUBLIC_REGISTER=true, so it is open to everybody,
  // logged in or not; with the default (false) it is 404 (see "the effects behind the answers").
  'GET /api/register': { anonymous: 200, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },
  'GET /register': { anonymous: 200, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },

  // Joint requirement sets (see `jointSetFixtures`): a private set coordinated by the target
  // organisation, with another buyer (:organisationId) taking part. Members of the coordinator and
  // administrators read everything; other buyers and vendors get 404 (public sets are tested in
  // test/joint-sets). Lists show one's own sets; starting a set or importing a package needs the
  // editor or owner role in a buyer (the outsider does it in theirs).
  'GET /api/joint-sets': { anonymous: 401, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },
  'POST /api/joint-sets': { anonymous: 401, outsider: 201, viewer: 403, editor: 201, assessor: 403, owner: 201, vendor: 403, admin: 403 },
  'POST /api/joint-sets/import': { anonymous: 401, outsider: 201, viewer: 403, editor: 201, assessor: 403, owner: 201, vendor: 403, admin: 403 },
  'GET /joint-sets': { anonymous: 303, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },
  'GET /joint-sets/new': { anonymous: 303, outsider: 200, viewer: 403, editor: 200, assessor: 403, owner: 200, vendor: 403, admin: 403 },
  'POST /joint-sets': { anonymous: 401, outsider: 303, viewer: 403, editor: 303, assessor: 403, owner: 303, vendor: 403, admin: 403 },
  'GET /joint-sets/import': { anonymous: 303, outsider: 200, viewer: 403, editor: 200, assessor: 403, owner: 200, vendor: 403, admin: 403 },
  'POST /joint-sets/import': { anonymous: 401, outsider: 303, viewer: 403, editor: 303, assessor: 403, owner: 303, vendor: 403, admin: 403 },

  // Reading the set, its adopted revision 1, sign-offs, deviations, the consultation report, the diff and the package.
  'GET /api/joint-sets/:setId': { anonymous: 401, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'GET /api/joint-sets/:setId/revisions/:number': { anonymous: 401, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'GET /api/joint-sets/:setId/revisions/:number/coordination': { anonymous: 401, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'GET /api/joint-sets/:setId/revisions/:number/deviations': { anonymous: 401, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'GET /api/joint-sets/:setId/revisions/:number/consultation-report': { anonymous: 401, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'GET /api/joint-sets/:setId/revisions/:number/package': { anonymous: 401, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'GET /api/joint-sets/:setId/diff': { anonymous: 401, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'GET /joint-sets/:setId': { anonymous: 303, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'GET /joint-sets/:setId/diff': { anonymous: 303, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'GET /joint-sets/:setId/revisions/:number': { anonymous: 303, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'GET /joint-sets/:setId/revisions/:number/consultation': { anonymous: 303, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'GET /joint-sets/:setId/revisions/:number/consultation.docx': { anonymous: 303, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'GET /joint-sets/:setId/revisions/:number/coordination': { anonymous: 303, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'GET /joint-sets/:setId/revisions/:number/deviations': { anonymous: 303, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },
  'GET /joint-sets/:setId/revisions/:number/package': { anonymous: 303, outsider: 404, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 404, admin: 200 },

  // The coordinator's work: owners and editors of the coordinating organisation, and administrators.
  // Items and sections change in the draft (revision 1 as a draft, :itemId its EXP-001, :sectionId an
  // empty section); comments are answered in consultation (:commentId the participant's comment);
  // a new revision starts from the adopted one.
  'PATCH /api/joint-sets/:setId': { anonymous: 401, outsider: 404, viewer: 403, editor: 200, assessor: 403, owner: 200, vendor: 404, admin: 200 },
  'PUT /api/joint-sets/:setId/participants/:organisationId': { anonymous: 401, outsider: 404, viewer: 403, editor: 204, assessor: 403, owner: 204, vendor: 404, admin: 204 },
  'DELETE /api/joint-sets/:setId/participants/:organisationId': { anonymous: 401, outsider: 404, viewer: 403, editor: 204, assessor: 403, owner: 204, vendor: 404, admin: 204 },
  'POST /api/joint-sets/:setId/revisions': { anonymous: 401, outsider: 404, viewer: 403, editor: 201, assessor: 403, owner: 201, vendor: 404, admin: 201 },
  'POST /api/joint-sets/:setId/revisions/:number/items': { anonymous: 401, outsider: 404, viewer: 403, editor: 201, assessor: 403, owner: 201, vendor: 404, admin: 201 },
  'PUT /api/joint-sets/:setId/revisions/:number/items/:itemId': { anonymous: 401, outsider: 404, viewer: 403, editor: 204, assessor: 403, owner: 204, vendor: 404, admin: 204 },
  'DELETE /api/joint-sets/:setId/revisions/:number/items/:itemId': { anonymous: 401, outsider: 404, viewer: 403, editor: 204, assessor: 403, owner: 204, vendor: 404, admin: 204 },
  'POST /api/joint-sets/:setId/revisions/:number/sections': { anonymous: 401, outsider: 404, viewer: 403, editor: 201, assessor: 403, owner: 201, vendor: 404, admin: 201 },
  'PUT /api/joint-sets/:setId/revisions/:number/sections/:sectionId': { anonymous: 401, outsider: 404, viewer: 403, editor: 204, assessor: 403, owner: 204, vendor: 404, admin: 204 },
  'DELETE /api/joint-sets/:setId/revisions/:number/sections/:sectionId': { anonymous: 401, outsider: 404, viewer: 403, editor: 204, assessor: 403, owner: 204, vendor: 404, admin: 204 },
  'POST /api/joint-sets/:setId/revisions/:number/transition': { anonymous: 401, outsider: 404, viewer: 403, editor: 200, assessor: 403, owner: 200, vendor: 404, admin: 200 },
  'PUT /api/joint-sets/:setId/revisions/:number/comments/:commentId/resolution': { anonymous: 401, outsider: 404, viewer: 403, editor: 204, assessor: 403, owner: 204, vendor: 404, admin: 204 },
  'POST /joint-sets/:setId': { anonymous: 401, outsider: 404, viewer: 403, editor: 303, assessor: 403, owner: 303, vendor: 404, admin: 303 },
  'POST /joint-sets/:setId/participants': { anonymous: 401, outsider: 404, viewer: 403, editor: 303, assessor: 403, owner: 303, vendor: 404, admin: 303 },
  'POST /joint-sets/:setId/participants/:organisationId/remove': { anonymous: 401, outsider: 404, viewer: 403, editor: 303, assessor: 403, owner: 303, vendor: 404, admin: 303 },
  'POST /joint-sets/:setId/revisions': { anonymous: 401, outsider: 404, viewer: 403, editor: 303, assessor: 403, owner: 303, vendor: 404, admin: 303 },
  'POST /joint-sets/:setId/revisions/:number/items': { anonymous: 401, outsider: 404, viewer: 403, editor: 303, assessor: 403, owner: 303, vendor: 404, admin: 303 },
  'POST /joint-sets/:setId/revisions/:number/items/:itemId': { anonymous: 401, outsider: 404, viewer: 403, editor: 303, assessor: 403, owner: 303, vendor: 404, admin: 303 },
  'POST /joint-sets/:setId/revisions/:number/items/:itemId/remove': { anonymous: 401, outsider: 404, viewer: 403, editor: 303, assessor: 403, owner: 303, vendor: 404, admin: 303 },
  'POST /joint-sets/:setId/revisions/:number/sections': { anonymous: 401, outsider: 404, viewer: 403, editor: 303, assessor: 403, owner: 303, vendor: 404, admin: 303 },
  'POST /joint-sets/:setId/revisions/:number/sections/:sectionId': { anonymous: 401, outsider: 404, viewer: 403, editor: 303, assessor: 403, owner: 303, vendor: 404, admin: 303 },
  'POST /joint-sets/:setId/revisions/:number/sections/:sectionId/remove': { anonymous: 401, outsider: 404, viewer: 403, editor: 303, assessor: 403, owner: 303, vendor: 404, admin: 303 },
  'POST /joint-sets/:setId/revisions/:number/transition': { anonymous: 401, outsider: 404, viewer: 403, editor: 303, assessor: 403, owner: 303, vendor: 404, admin: 303 },
  'POST /joint-sets/:setId/revisions/:number/comments/:commentId/resolution': { anonymous: 401, outsider: 404, viewer: 403, editor: 303, assessor: 403, owner: 303, vendor: 404, admin: 303 },

  // Answering an invitation: here the set is coordinated by the other buyer and the target
  // organisation is invited; its owners and editors answer, its viewers and assessors may not
  // (403), and the administrator, who sees the set, has no invitation to answer (409).
  'POST /api/joint-sets/:setId/invitation': { anonymous: 401, outsider: 404, viewer: 403, editor: 204, assessor: 403, owner: 204, vendor: 404, admin: 409 },
  'POST /joint-sets/:setId/invitation': { anonymous: 401, outsider: 404, viewer: 403, editor: 303, assessor: 403, owner: 303, vendor: 404, admin: 409 },

  // A participant's own work, for an organisation that takes part: comments (in consultation) and
  // deviations (from the adopted revision; :key EXP-001, which the target organisation already
  // deviates from, so withdrawing finds it) by owners and editors; sign-off by owners only. The
  // administrator sees the set but acts for no organisation (403).
  'POST /api/joint-sets/:setId/revisions/:number/comments': { anonymous: 401, outsider: 404, viewer: 403, editor: 201, assessor: 403, owner: 201, vendor: 404, admin: 403 },
  'POST /api/joint-sets/:setId/revisions/:number/signoffs': { anonymous: 401, outsider: 404, viewer: 403, editor: 403, assessor: 403, owner: 204, vendor: 404, admin: 403 },
  'PUT /api/joint-sets/:setId/revisions/:number/deviations/:key': { anonymous: 401, outsider: 404, viewer: 403, editor: 200, assessor: 403, owner: 200, vendor: 404, admin: 403 },
  'DELETE /api/joint-sets/:setId/revisions/:number/deviations/:key': { anonymous: 401, outsider: 404, viewer: 403, editor: 204, assessor: 403, owner: 204, vendor: 404, admin: 403 },
  'POST /joint-sets/:setId/revisions/:number/comments': { anonymous: 401, outsider: 404, viewer: 403, editor: 303, assessor: 403, owner: 303, vendor: 404, admin: 403 },
  'POST /joint-sets/:setId/revisions/:number/signoffs': { anonymous: 401, outsider: 404, viewer: 403, editor: 403, assessor: 403, owner: 303, vendor: 404, admin: 403 },
  'POST /joint-sets/:setId/revisions/:number/deviations/:key': { anonymous: 401, outsider: 404, viewer: 403, editor: 303, assessor: 403, owner: 303, vendor: 404, admin: 403 },
  'POST /joint-sets/:setId/revisions/:number/deviations/:key/withdraw': { anonymous: 401, outsider: 404, viewer: 403, editor: 303, assessor: 403, owner: 303, vendor: 404, admin: 403 },

  // Using the adopted revision: a tender needs the editor or owner role in a buyer; a profile the
  // owner, editor or assessor role (as for profiles of one's own).
  'POST /api/joint-sets/:setId/revisions/:number/tenders': { anonymous: 401, outsider: 404, viewer: 403, editor: 201, assessor: 403, owner: 201, vendor: 404, admin: 403 },
  'POST /api/joint-sets/:setId/revisions/:number/profiles': { anonymous: 401, outsider: 404, viewer: 403, editor: 201, assessor: 201, owner: 201, vendor: 404, admin: 403 },
  'POST /joint-sets/:setId/revisions/:number/tenders': { anonymous: 401, outsider: 404, viewer: 403, editor: 303, assessor: 403, owner: 303, vendor: 404, admin: 403 },
  'POST /joint-sets/:setId/revisions/:number/profiles': { anonymous: 401, outsider: 404, viewer: 403, editor: 303, assessor: 303, owner: 303, vendor: 404, admin: 403 },
  // Single sign-on. The login buttons and the login and callback pages are public; the target
  // organisation's provider (:providerId, :slug) points at a closed loopback port, so starting a
  // login answers 502, and a callback without this browser's state 400. Providers are the
  // administrators'; an organisation's role mappings (:mappingId) and policy its owners'.
  'GET /api/sso/providers': { anonymous: 200, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },
  'GET /auth/oidc/:slug/login': { anonymous: 502, outsider: 502, viewer: 502, editor: 502, assessor: 502, owner: 502, vendor: 502, admin: 502 },
  'GET /auth/oidc/:slug/callback': { anonymous: 400, outsider: 400, viewer: 400, editor: 400, assessor: 400, owner: 400, vendor: 400, admin: 400 },
  'POST /auth/oidc/:slug/link': { anonymous: 401, outsider: 502, viewer: 502, editor: 502, assessor: 502, owner: 502, vendor: 502, admin: 502 },
  'GET /auth/oidc/no-role': { anonymous: 303, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },
  'GET /account/identities': { anonymous: 303, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },
  'GET /api/me/identities': { anonymous: 401, outsider: 200, viewer: 200, editor: 200, assessor: 200, owner: 200, vendor: 200, admin: 200 },
  'GET /api/identity-providers': { anonymous: 401, outsider: 403, viewer: 403, editor: 403, assessor: 403, owner: 403, vendor: 403, admin: 200 },
  'POST /api/identity-providers': { anonymous: 401, outsider: 403, viewer: 403, editor: 403, assessor: 403, owner: 403, vendor: 403, admin: 201 },
  'GET /api/identity-providers/:providerId': { anonymous: 401, outsider: 403, viewer: 403, editor: 403, assessor: 403, owner: 403, vendor: 403, admin: 200 },
  'PATCH /api/identity-providers/:providerId': { anonymous: 401, outsider: 403, viewer: 403, editor: 403, assessor: 403, owner: 403, vendor: 403, admin: 200 },
  'DELETE /api/identity-providers/:providerId': { anonymous: 401, outsider: 403, viewer: 403, editor: 403, assessor: 403, owner: 403, vendor: 403, admin: 204 },
  'GET /admin/identity-providers': { anonymous: 303, outsider: 403, viewer: 403, editor: 403, assessor: 403, owner: 403, vendor: 403, admin: 200 },
  'POST /admin/identity-providers': { anonymous: 401, outsider: 403, viewer: 403, editor: 403, assessor: 403, owner: 403, vendor: 403, admin: 303 },
  'GET /admin/identity-providers/:providerId': { anonymous: 303, outsider: 403, viewer: 403, editor: 403, assessor: 403, owner: 403, vendor: 403, admin: 200 },
  'POST /admin/identity-providers/:providerId': { anonymous: 401, outsider: 403, viewer: 403, editor: 403, assessor: 403, owner: 403, vendor: 403, admin: 303 },
  'POST /admin/identity-providers/:providerId/delete': { anonymous: 401, outsider: 403, viewer: 403, editor: 403, assessor: 403, owner: 403, vendor: 403, admin: 303 },
  'GET /api/organisations/:orgId/sso': { anonymous: 401, outsider: 404, viewer: 403, editor: 403, assessor: 403, owner: 200, vendor: 404, admin: 200 },
  'POST /api/organisations/:orgId/sso/role-mappings': { anonymous: 401, outsider: 404, viewer: 403, editor: 403, assessor: 403, owner: 201, vendor: 404, admin: 201 },
  'DELETE /api/organisations/:orgId/sso/role-mappings/:mappingId': { anonymous: 401, outsider: 404, viewer: 403, editor: 403, assessor: 403, owner: 204, vendor: 404, admin: 204 },
  'PUT /api/organisations/:orgId/sso/policy': { anonymous: 401, outsider: 404, viewer: 403, editor: 403, assessor: 403, owner: 200, vendor: 404, admin: 200 },
  'GET /organisations/:orgId/sso': { anonymous: 303, outsider: 404, viewer: 403, editor: 403, assessor: 403, owner: 200, vendor: 404, admin: 200 },
  'POST /organisations/:orgId/sso/role-mappings': { anonymous: 401, outsider: 404, viewer: 403, editor: 403, assessor: 403, owner: 303, vendor: 404, admin: 303 },
  'POST /organisations/:orgId/sso/role-mappings/:mappingId/delete': { anonymous: 401, outsider: 404, viewer: 403, editor: 403, assessor: 403, owner: 303, vendor: 404, admin: 303 },
  'POST /organisations/:orgId/sso/policy': { anonymous: 401, outsider: 404, viewer: 403, editor: 403, assessor: 403, owner: 303, vendor: 404, admin: 303 },
};

const NEW_PASSWORD = 'a brand new passphrase for the test';

/** A published item of the shipped library, read by the library and tender routes. */
const SHIPPED_KEY = 'EXP-001';
/** Items of the shipped library a tender is assembled from: its checks pass once the weights are normalised. */
const TENDER_KEYS = ['EXP-001', 'API-003', 'EXIT-009', 'DOC-002', 'OWN-001'];

let keyCounter = 0;
/** A library key no other case uses: ZTA-001, ZTA-002, … */
function freshKey(): string {
  keyCounter += 1;
  return `ZT${String.fromCharCode(65 + (Math.floor(keyCounter / 1000) % 26))}-${String(keyCounter % 1000).padStart(3, '0')}`;
}

/** The content of a new library item, valid for the schema and for the library's consistency checks. */
function itemContent() {
  return {
    kind: 'requirement' as const,
    category: 'export' as const,
    type: 'V' as const,
    weight: 10,
    themes: [2],
    title: { nb: 'Månedlig uttrekk av skoledata', en: 'Monthly extract of school data' },
    text: { nb: 'Leverandøren skal levere et fullt uttrekk hver {{intervalDays}}. dag.', en: 'The supplier shall deliver a full extract every {{intervalDays}} days.' },
    rationale: { nb: 'Skolen trenger ferske data.', en: 'The school needs fresh data.' },
    responseGuidance: { nb: 'Beskriv uttrekket.', en: 'Describe the extract.' },
    parameters: [{ name: 'intervalDays', type: 'integer' as const, default: 30, min: 1, max: 90, label: { nb: 'Intervall (dager)', en: 'Interval (days)' } }],
    references: [{ source: 'eu-data-act', section: 'Art. 30(5)', note: { nb: 'Eksport i maskinlesbart format.', en: 'Export in a machine-readable format.' } }],
    verification: { method: 'sample-export' as const, text: { nb: 'Kunden ber om et uttrekk og kontrollerer innholdet.', en: 'The customer requests an extract and checks its content.' } },
    evidence: [{ nb: 'Eksempel på uttrekk', en: 'Sample extract' }],
    domains: ['school' as const],
    tags: ['school-data'],
    supersedes: null,
    changeNote: null,
  };
}

/** Nested form values as the browser sends them: `title[nb]=…`, `references[0][source]=…`. */
function formFields(value: unknown, prefix = ''): Record<string, string> {
  if (value === null || value === undefined) return prefix ? { [prefix]: '' } : {};
  if (typeof value !== 'object') return { [prefix]: String(value) };
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  return Object.assign({}, ...entries.map(([k, v]) => formFields(v, prefix ? `${prefix}[${k}]` : k)));
}

/** The draft editor's form for the item content, as the page shows it. */
const itemForm = () => formFields(rowToForm(itemContent()));
const CHANGE_NOTE = { nb: 'Første utgave.', en: 'First edition.' };

/** The library and tender fixtures of the target organisation, built only for the routes that use them. */
type Fixtures = {
  /** :key — a published item; for deprecation a fresh one of its own. */
  itemKey: string;
  /** :draftId — a private draft of a new item, owned by the target organisation. */
  draftId?: string;
  /** :tenderId — a tender of the target organisation, ready to issue. */
  tenderId?: string;
  tenderVersion?: number;
  /** :itemId — its first item (EXP-001); :sectionId — an empty section of it. */
  itemId?: string;
  sectionId?: string;
  /** :organisationId — a buyer organisation the tender is shared with (view only). */
  coBuyer?: OrganisationRow;
  /** For importing responses: the tender is issued, and this is its filled response sheet. */
  sheet?: Buffer;
  /** :selectionId — a saved selection of the target organisation. */
  selectionId?: string;
  /** :exportId — a queued export of the target organisation. */
  exportId?: string;
  /** :vendorId — a vendor organisation (with an organisation number), and its owner. */
  vendor?: OrganisationRow;
  vendorOwner?: UserRow;
  /** :invitationId of the vendor routes — a pending invitation of the vendor, not of the target organisation. */
  vendorInvitationId?: string;
  /** :productId — the vendor's product; :versionId and :productVersionId — its version. */
  productId?: string;
  versionId?: string;
  /** :usageId — the target organisation's usage of the product. */
  usageId?: string;
  /** :profileId — a private assessment profile owned by the target organisation. */
  profileId?: string;
  /** :answerId — the vendor's answer to EXP-001 for the version, reviewed by the target organisation; :evidenceId — its evidence file. */
  answerId?: string;
  evidenceId?: string;
  /** :checkRunId — the check run of that evidence, finished (failed), so that it may be run again. */
  checkRunId?: string;
  /** :setId — a joint set coordinated by the target organisation (for invitations: by :organisationId, inviting the target). */
  setId?: string;
  /** :number — its revision 1: a draft, in consultation or adopted, as the route needs. */
  revisionNumber?: number;
  /** :itemId and :sectionId of the joint-set routes — its EXP-001 and an empty section; :commentId — a participant's comment. */
  jointItemId?: string;
  jointSectionId?: string;
  commentId?: string;
  /** For importing: a package of the set's adopted revision under a new set id. */
  jointPackage?: Buffer;
  /** :providerId and :slug — the target organisation's identity provider; :mappingId — one of its claim-to-role mappings. */
  providerId?: string;
  providerSlug?: string;
  mappingId?: string;
};

/** Everything one case needs, built fresh so that destructive cases cannot disturb each other. */
type World = Fixtures & {
  org: OrganisationRow;
  owner: UserRow;
  member: UserRow;
  invitationId: string;
  invitationToken: string;
  caller: UserRow | null;
  agent: supertest.Agent;
  csrf: string;
  tokenId: string;
};

/** The actor the services expect, for setting up fixtures as the target organisation's owner. */
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

/** An agent for a visitor who is not logged in, holding the double-submit CSRF cookie of the login page. */
async function anonymousVisitor(ctx: TestContext): Promise<{ agent: supertest.Agent; csrf: string }> {
  const agent = ctx.request();
  const page = await agent.get('/login');
  const cookies = ([] as string[]).concat(page.headers['set-cookie'] ?? []);
  const csrf = cookies.map((c) => /^dk_csrf=([^;]+)/.exec(c)?.[1]).find(Boolean);
  if (!csrf) throw new Error('the login page set no CSRF cookie');
  return { agent, csrf };
}

/** A response sheet generated for the tender's issued revision, with every requirement answered "Ja". */
async function filledResponseSheet(actor: Actor, tenderId: string, revision: number): Promise<Buffer> {
  const { model, requirementSet } = await ctx.services.tenders.documentModel(actor, tenderId, revision);
  const { bytes } = await generateDocument('response-sheet.xlsx', model, requirementSet);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as never);
  const sheet = workbook.worksheets.find((ws) => ws.state === 'visible') as ExcelJS.Worksheet;
  const answerColumn = (sheet.getRow(FIRST_ROW - 1).values as unknown[]).findIndex((v) => v === 'Svar');
  if (answerColumn < 1) throw new Error('the response sheet has no answer column');
  let answered = 0;
  sheet.eachRow((row, n) => {
    if (n >= FIRST_ROW && /^[A-Z]{1,5}-\d{3}$/.test(String(row.getCell(1).value))) {
      row.getCell(answerColumn).value = 'Ja';
      answered += 1;
    }
  });
  if (answered === 0) throw new Error('the response sheet has no requirement rows');
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** Routes of the vendor register and of assessments: their cases get the vendor and assessment fixtures. */
const REGISTER_AREA = /^[A-Z]+ \/(api\/)?(vendors|products|usages|profiles|assessments|register|check-runs)\b/;
/** Internal notes of the target organisation's reviews: never shown outside it. */
const INTERNAL_NOTE = 'Intern merknad: leverandøren har bare vist skjermbilder';
const EVIDENCE = { name: 'bevis.txt', content: Buffer.from('Eksporten ble testet 1. mars.\n', 'utf8') };

/**
 * A vendor with a product and a version, the target organisation's usage of it, a vendor contact
 * invitation, a private profile of the target organisation, and the vendor's answer to EXP-001
 * with an evidence file and a review (with an internal note) by the target organisation.
 */
async function registerFixtures(owner: UserRow, org: OrganisationRow): Promise<Fixtures> {
  const { services } = ctx;
  const actor = ownerActor(owner, org);
  const vendor = await buildOrganisation(services, { kind: 'vendor', name: `Leverandør ${unique()} AS`, orgNumber: freshOrgNumber() });
  const vendorOwner = await buildUser(services, { memberships: [[vendor, 'owner']] });
  const vendorActor = ownerActor(vendorOwner, vendor);
  const { product, versions } = await buildProduct(services, vendor);
  const version = versions[0] as ProductVersionRow;
  const { invitation } = await services.vendors.invite(actor, vendor.id, { email: `kontakt-${unique()}@example.no` }, SYSTEM_AUDIT);
  const usage = await services.vendors.createUsage(actor, { organisationId: org.id, productId: product.id, contractEnd: '2027-06-30', noticeMonths: 6, exitPlanStatus: 'none', note: '' }, SYSTEM_AUDIT);
  const profile = await services.assessments.createProfile(actor, { name: `Profil ${unique()}`, visibility: 'private', items: [{ key: 'EXP-001' }, { key: 'API-003' }] }, SYSTEM_AUDIT);
  const { answer } = await services.assessments.saveAnswer(vendorActor, { productVersionId: version.id, key: 'EXP-001', major: 1, status: 'partly', explanation: 'Eksport av elevdata.' }, SYSTEM_AUDIT);
  const evidence = await services.assessments.addEvidence(vendorActor, answer.id, { originalname: EVIDENCE.name, buffer: EVIDENCE.content }, SYSTEM_AUDIT);
  await services.assessments.verify(actor, answer.id, { decision: 'change_requested', version: answer.version, noteForVendor: 'Legg ved et uttrekk.', internalNote: INTERNAL_NOTE }, SYSTEM_AUDIT);
  // EXP-001 declares machine checks, so the evidence queued a run; no job runner runs here, so it is
  // finished as the runner finishes a run it could not complete.
  const checkRunId = evidence.checkRunId;
  if (!checkRunId) throw new Error('the evidence queued no check run');
  await services.database.db.update(checkRuns).set({ state: 'failed', error: { code: 'checks.crashed', message: 'Stopped by the test.' }, finishedAt: new Date() }).where(eq(checkRuns.id, checkRunId));
  return {
    itemKey: SHIPPED_KEY,
    vendor,
    vendorOwner,
    vendorInvitationId: invitation.id,
    productId: product.id,
    versionId: version.id,
    usageId: usage.id,
    profileId: profile.profile.id,
    answerId: answer.id,
    evidenceId: evidence.id,
    checkRunId,
  };
}

/** The fixtures a route's path (and, for importing responses, its purpose) calls for. */
async function buildFixtures(key: string, owner: UserRow, org: OrganisationRow): Promise<Fixtures> {
  const { services } = ctx;
  const actor = ownerActor(owner, org);
  const fixtures: Fixtures = { itemKey: SHIPPED_KEY };
  if (key.includes(':key') && key.endsWith('/deprecate') && key.startsWith('POST ')) {
    // Deprecation changes the item for everybody, so each case deprecates its own.
    const draft = await services.library.createItem(actor, { ...itemContent(), key: freshKey() }, SYSTEM_AUDIT);
    fixtures.itemKey = (await services.library.publish(actor, draft.id, { level: 'major', changeNote: CHANGE_NOTE, version: draft.revision }, SYSTEM_AUDIT)).key;
  }
  if (key.includes(':draftId')) {
    fixtures.draftId = (await services.library.createItem(actor, { ...itemContent(), key: freshKey() }, SYSTEM_AUDIT)).id;
  }
  if (key.includes(':exportId') || key === READ_FIXTURES) {
    fixtures.exportId = (await services.exit.requestExport(actor, { scope: 'organisation', organisationId: org.id }, SYSTEM_AUDIT)).id;
  }
  if (key.includes(':selectionId')) {
    fixtures.selectionId = (await services.tenders.createSelection(actor, { name: `Utvalg ${unique()}`, keys: ['EXP-001', 'API-003'] }, SYSTEM_AUDIT)).id;
  }
  if (key === READ_FIXTURES || REGISTER_AREA.test(key)) Object.assign(fixtures, await registerFixtures(owner, org));
  if (key.includes(':tenderId')) {
    const tender = await services.tenders.create(actor, { title: 'Nytt skoleadministrativt system', reference: `2026/${unique()}`, language: 'nb', domain: 'school', contactEmail: 'innkjop@example.no' }, SYSTEM_AUDIT);
    await services.tenders.addLibraryItems(actor, tender.id, TENDER_KEYS, SYSTEM_AUDIT);
    await services.tenders.normaliseWeights(actor, tender.id, SYSTEM_AUDIT);
    const section = await services.tenders.addSection(actor, tender.id, 'Tom seksjon', SYSTEM_AUDIT);
    const coBuyer = await buildOrganisation(services, { kind: 'buyer' });
    await services.tenders.setCoBuyer(actor, tender.id, coBuyer.id, false, (await services.tenders.view(actor, tender.id)).tender.version, SYSTEM_AUDIT);
    if (key.endsWith('/responses') && key.startsWith('POST ')) {
      const { revision } = await services.tenders.issue(actor, tender.id, SYSTEM_AUDIT);
      fixtures.sheet = await filledResponseSheet(actor, tender.id, revision);
    }
    const view = await services.tenders.view(actor, tender.id);
    Object.assign(fixtures, { tenderId: tender.id, tenderVersion: view.tender.version, itemId: view.sections[0]?.items[0]?.id, sectionId: section.id, coBuyer });
  }
  if (key === READ_FIXTURES || key.includes('joint-sets/:setId') || key.includes('joint-sets/import')) Object.assign(fixtures, await jointSetFixtures(key, owner, org, fixtures));
  return fixtures;
}

/**
 * A joint set coordinated by the target organisation, with its shipped-library items in revision 1
 * and another buyer (:organisationId) taking part: a draft for the routes that edit items and
 * sections or send it on, in consultation with the participant's comment for the comment routes,
 * else adopted with the target organisation's deviation from EXP-001. For answering invitations
 * the other buyer coordinates and the target organisation is invited.
 */
async function jointSetFixtures(key: string, owner: UserRow, org: OrganisationRow, fixtures: Fixtures): Promise<Fixtures> {
  const { services } = ctx;
  const actor = ownerActor(owner, org);
  const partner = fixtures.coBuyer ?? (await buildOrganisation(services, { kind: 'buyer' }));
  const partnerActor = ownerActor(await buildUser(services, { memberships: [[partner, 'owner']] }), partner);
  if (key.endsWith('/invitation')) {
    const set = await services.jointSets.create(partnerActor, { title: `Kravsett ${unique()}` }, SYSTEM_AUDIT);
    await services.jointSets.invite(partnerActor, set.id, org.id, set.version, SYSTEM_AUDIT);
    return { setId: set.id, revisionNumber: 1, coBuyer: partner, itemKey: SHIPPED_KEY };
  }
  const set = await services.jointSets.create(actor, { title: `Kravsett ${unique()}` }, SYSTEM_AUDIT);
  await services.jointSets.invite(actor, set.id, partner.id, set.version, SYSTEM_AUDIT);
  await services.jointSets.respond(partnerActor, set.id, { response: 'accept' }, SYSTEM_AUDIT);
  await services.jointSets.addItems(actor, set.id, 1, TENDER_KEYS, SYSTEM_AUDIT);
  const section = await services.jointSets.addSection(actor, set.id, 1, 'Tom seksjon', SYSTEM_AUDIT);
  const view = await services.jointSets.revision(actor, set.id, 1);
  const result: Fixtures = { setId: set.id, revisionNumber: 1, coBuyer: partner, jointSectionId: section.id, jointItemId: view.sections[0]?.items[0]?.id, itemKey: SHIPPED_KEY };
  if (/revisions\/:number\/(items|sections|transition)/.test(key)) return result;
  await services.jointSets.transition(actor, set.id, 1, 'consultation', (await services.jointSets.revision(actor, set.id, 1)).revision.version, SYSTEM_AUDIT);
  if (key.includes('/comments')) {
    result.commentId = (await services.jointSets.comment(partnerActor, set.id, 1, { itemId: result.jointItemId as string, position: 'change', text: 'Vi foreslår en endring.' }, SYSTEM_AUDIT)).id;
    return result;
  }
  await services.jointSets.transition(actor, set.id, 1, 'adopted', (await services.jointSets.revision(actor, set.id, 1)).revision.version, SYSTEM_AUDIT);
  await services.jointSets.declareDeviation(actor, set.id, 1, SHIPPED_KEY, { kind: 'change', parameterValues: { exportHours: 36 }, justification: 'Vi har store datamengder.', version: 0 }, SYSTEM_AUDIT);
  if (key.includes('joint-sets/import')) {
    const { bytes } = await services.jointSetPackages.exportRevision(actor, set.id, 1);
    const zip = await JSZip.loadAsync(bytes);
    const manifest = await (zip.file('joint-set.yaml') as JSZip.JSZipObject).async('string');
    zip.file('joint-set.yaml', manifest.replace(set.id, randomUUID()));
    result.jointPackage = await zip.generateAsync({ type: 'nodebuffer' });
  }
  return result;
}

/** The key of the world the GET cases share: every fixture a GET route reads. */
const READ_FIXTURES = 'GET /:tenderId/:draftId + vendors and assessments';

/** What a case's world holds apart from its caller: the target organisation and the fixtures of the route. */
type Base = Omit<World, 'caller' | 'agent' | 'csrf' | 'tokenId'>;

/** Whether the route `key` reads an API token by id: only those cases make one. */
const readsTokens = (key: string): boolean => key === '' || key === READ_FIXTURES || key.includes('token');

async function buildBase(ctx: TestContext, key: string): Promise<Base> {
  const { services } = ctx;
  const org = await buildOrganisation(services, { kind: 'buyer' });
  const owner = await buildUser(services, { memberships: [[org, 'owner']] });
  const member = await buildUser(services, { memberships: [[org, 'editor']] });
  const { invitation, token } = await services.organisations.invite(ownerActor(owner, org), org.id, { email: `invitee-${unique()}@example.no`, role: 'viewer' }, SYSTEM_AUDIT);
  const fixtures = await buildFixtures(key, owner, org);

  const ssoRepository = services.repositories.sso;
  const provider = await ssoRepository.insertProvider(services.database.db, {
    slug: `p-${unique()}`,
    displayName: 'Testkommune ID',
    // A closed port on this machine: starting a login finds the provider down at once.
    issuer: 'http://127.0.0.1:9',
    clientId: 'datakrav',
    clientSecretCiphertext: null,
    scopes: 'openid',
    organisationId: org.id,
    jitAllowed: false,
    roleClaim: 'groups',
    useUserinfo: false,
    enabled: true,
  });
  const mapping = await ssoRepository.insertRoleMapping(services.database.db, { organisationId: org.id, claimValue: `gruppe-${unique()}`, role: 'viewer' });
  return { ...fixtures, providerId: provider.id, providerSlug: provider.slug, mappingId: mapping.id, org, owner, member, invitationId: invitation.id, invitationToken: token };
}

/** The base with a caller in the role, logged in (with an API token of their own where the route reads one). */
async function withCaller(ctx: TestContext, base: Base, role: Role, key: string): Promise<World> {
  const { services } = ctx;
  const { org, owner } = base;
  let caller: UserRow | null;
  switch (role) {
    case 'anonymous':
      caller = null;
      break;
    case 'owner':
      caller = owner;
      break;
    case 'viewer':
    case 'editor':
    case 'assessor':
      caller = await buildUser(services, { memberships: [[org, role]] });
      break;
    case 'outsider':
      caller = await buildUser(services, { memberships: [[await buildOrganisation(services, { kind: 'buyer' }), 'owner']] });
      break;
    case 'vendor':
      caller = await buildUser(services, { memberships: [[await buildOrganisation(services, { kind: 'vendor' }), 'owner']] });
      break;
    case 'admin':
      caller = await buildUser(services, { isAdmin: true });
      break;
  }
  const tokens = readsTokens(key);
  if (!caller) {
    // Anonymous callers have no token; the id is the owner's, which they must not reach either.
    const tokenId = tokens ? (await services.auth.createApiToken(ownerActor(owner, org), { name: 'Eierens token' }, SYSTEM_AUDIT)).row.id : '';
    return { ...base, caller, ...(await anonymousVisitor(ctx)), tokenId };
  }
  const { agent, csrf } = await loginAs(ctx, caller);
  if (!tokens) return { ...base, caller, agent, csrf, tokenId: '' };
  const created = await agent.post('/api/me/tokens').set('X-CSRF-Token', csrf).send({ name: 'Eget token' });
  if (created.status !== 201) throw new Error(`could not create the caller's token: ${created.status}`);
  return { ...base, caller, agent, csrf, tokenId: created.body.id as string };
}

async function buildWorld(ctx: TestContext, role: Role, key = ''): Promise<World> {
  return withCaller(ctx, await buildBase(ctx, key), role, key);
}

type Call = {
  query?: (w: World) => Record<string, string>;
  body?: (w: World) => Record<string, unknown>;
  /** Multipart uploads: text fields and the file. */
  upload?: (w: World) => { fields: Record<string, string>; file: { name: string; content: Buffer; field?: string } };
};

const responseUpload = (w: World) => ({ fields: { vendorName: 'Tenkt Leverandør AS', revision: '1' }, file: { name: 'svar.xlsx', content: w.sheet as Buffer } });
const diffQuery = () => ({ from: '1.2.0', to: '1.2.0' });
/** A Kravbank bank: into the library it needs the category and themes of the new items. */
const KRAVBANK_BANK = { name: 'skole-bank.json', content: readFileSync(path.join(__dirname, '..', 'kravbank', 'fixtures', 'skole-bank.json')) };
const kravbankLibraryUpload = () => ({ fields: { category: 'export', themes: '2' }, file: KRAVBANK_BANK });
const kravbankTenderUpload = () => ({ fields: {}, file: KRAVBANK_BANK });
/** A bidder's sample export, checked against the tender's declared checks (EXP-001's). */
const bidderFilesUpload = () => ({ fields: { bidder: 'Tenkt Leverandør AS' }, file: { name: 'uttrekk.json', content: Buffer.from('{"elever":[{"id":1,"navn":"Kari"}]}\n', 'utf8'), field: 'files' } });
const exportQuery = () => ({ format: 'json', category: 'export' });
const profileQuery = (w: World) => ({ profileId: w.profileId as string });

/** Valid query and body for the routes that need them, so the status reflects authorisation alone. */
const CALLS: Record<string, Call> = {
  'POST /login': { body: (w) => ({ email: (w.caller ?? w.member).email, password: TEST_PASSWORD }) },
  'POST /api/identity-providers': { body: (w) => ({ slug: `ny-${unique()}`, displayName: 'Ny ID', issuer: 'https://login.example.no', clientId: 'datakrav', organisationId: w.org.id }) },
  'PATCH /api/identity-providers/:providerId': { body: () => ({ displayName: 'Nytt navn' }) },
  'POST /admin/identity-providers': { body: (w) => ({ slug: `ny-${unique()}`, displayName: 'Ny ID', issuer: 'https://login.example.no', clientId: 'datakrav', organisationId: w.org.id, scopes: 'openid', roleClaim: 'groups', enabled: 'on' }) },
  'POST /admin/identity-providers/:providerId': { body: (w) => ({ slug: w.providerSlug, displayName: 'Nytt navn', issuer: 'http://127.0.0.1:9', clientId: 'datakrav', organisationId: w.org.id, scopes: 'openid', roleClaim: 'groups' }) },
  'POST /api/organisations/:orgId/sso/role-mappings': { body: () => ({ claimValue: `gruppe-${unique()}`, role: 'editor' }) },
  'PUT /api/organisations/:orgId/sso/policy': { body: () => ({ requireSso: false }) },
  'POST /organisations/:orgId/sso/role-mappings': { body: () => ({ claimValue: `gruppe-${unique()}`, role: 'editor' }) },
  'POST /organisations/:orgId/sso/policy': { body: () => ({}) },
  'POST /language': { body: () => ({ lang: 'en' }) },
  'POST /session/organisation': { body: (w) => ({ organisationId: w.org.id }) },
  'POST /account/password': { body: () => ({ currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD }) },
  'POST /account/tokens': { body: () => ({ name: 'Skript' }) },
  'POST /api/session': { body: (w) => ({ email: (w.caller ?? w.member).email, password: TEST_PASSWORD }) },
  'PUT /api/me/password': { body: () => ({ currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD }) },
  'POST /api/me/tokens': { body: () => ({ name: 'Skript' }) },
  'POST /organisations': { body: () => ({ kind: 'buyer', name: `Ny kommune ${unique()}` }) },
  'POST /api/organisations': { body: () => ({ kind: 'buyer', name: `Ny kommune ${unique()}` }) },
  'POST /organisations/:orgId': { body: () => ({ name: `Nytt navn ${unique()}` }) },
  'PATCH /api/organisations/:orgId': { body: () => ({ name: `Nytt navn ${unique()}` }) },
  'POST /organisations/:orgId/members/:userId/role': { body: () => ({ role: 'viewer' }) },
  'PUT /api/organisations/:orgId/members/:userId': { body: () => ({ role: 'viewer' }) },
  'POST /organisations/:orgId/invitations': { body: () => ({ email: `ny-${unique()}@example.no`, role: 'viewer' }) },
  'POST /api/organisations/:orgId/invitations': { body: () => ({ email: `ny-${unique()}@example.no`, role: 'viewer' }) },
  'POST /invitations/:token': { body: () => ({ name: 'Ny Bruker', password: 'a long enough password' }) },
  'POST /api/invitations/:token/accept': { body: () => ({ name: 'Ny Bruker', password: 'a long enough password' }) },
  'GET /api/audit': { query: (w) => ({ organisationId: w.org.id }) },
  'GET /audit': { query: (w) => ({ organisationId: w.org.id }) },
  'GET /api/audit/verify': { query: (w) => ({ organisationId: w.org.id }) },
  'POST /exit/exports': { body: (w) => ({ scope: 'organisation', organisationId: w.org.id }) },
  'POST /api/exit/exports': { body: (w) => ({ scope: 'organisation', organisationId: w.org.id }) },

  'GET /api/library/items/:key/diff': { query: diffQuery },
  'GET /library/items/:key/diff': { query: diffQuery },
  'GET /api/library/export': { query: exportQuery },
  'GET /library/export': { query: exportQuery },
  'POST /api/library/items': { body: () => ({ ...itemContent(), key: freshKey() }) },
  'POST /library/items': { body: () => ({ ...itemForm(), key: freshKey() }) },
  'POST /api/library/items/:key/drafts': { body: () => ({}) },
  'POST /library/items/:key/drafts': { body: () => ({ organisationId: '' }) },
  'POST /api/library/items/:key/deprecate': { body: () => ({ replacedBy: null }) },
  'POST /library/items/:key/deprecate': { body: () => ({ replacedBy: '' }) },
  'PUT /api/library/drafts/:draftId': { body: () => ({ ...itemContent(), title: { nb: 'Ukentlig uttrekk', en: 'Weekly extract' } }) },
  'POST /library/drafts/:draftId': { body: () => ({ ...itemForm(), 'title[nb]': 'Ukentlig uttrekk' }) },
  'POST /api/library/drafts/:draftId/publish': { body: () => ({ level: 'major', changeNote: CHANGE_NOTE }) },
  'POST /library/drafts/:draftId/publish': { body: () => ({ level: 'major', ...formFields(CHANGE_NOTE, 'changeNote') }) },
  'POST /api/library/render': { body: () => ({ key: SHIPPED_KEY, values: { exportHours: 36 } }) },
  'POST /api/library/selections': { body: () => ({ name: `Utvalg ${unique()}`, keys: ['EXP-001', 'API-003'] }) },
  'POST /library/selections': { body: () => ({ name: `Utvalg ${unique()}`, category: 'export', kind: 'requirement' }) },

  'POST /api/tenders': { body: () => ({ title: 'Nytt fagsystem', reference: `2026/${unique()}`, language: 'nb' }) },
  'POST /tenders': { body: () => ({ title: 'Nytt fagsystem', reference: `2026/${unique()}`, language: 'nb' }) },
  'PUT /api/tenders/:tenderId': { body: () => ({ title: 'Nytt navn på anskaffelsen' }) },
  'POST /tenders/:tenderId': { body: () => ({ title: 'Nytt navn på anskaffelsen' }) },
  'POST /tenders/:tenderId/parameters': { body: () => ({ 'values[exportHours]': '36' }) },
  'POST /api/tenders/:tenderId/items': { body: () => ({ keys: ['EXP-002'] }) },
  'POST /tenders/:tenderId/items': { body: () => ({ keys: 'EXP-002' }) },
  'POST /tenders/:tenderId/custom-items': { body: () => ({ kind: 'requirement', type: 'A', title: 'Integrasjon mot læringsplattformen', text: 'Løsningen skal utveksle elevdata med læringsplattformen daglig.' }) },
  'PUT /api/tenders/:tenderId/items/:itemId': { body: () => ({ weight: 10 }) },
  'POST /tenders/:tenderId/items/:itemId': { body: () => ({ type: 'A', weight: '10' }) },
  'POST /api/tenders/:tenderId/items/:itemId/move': { body: () => ({ direction: 'down' }) },
  'POST /api/tenders/:tenderId/items/:itemId/upgrade': { body: () => ({}) },
  'POST /tenders/:tenderId/items/:itemId/upgrade': { body: () => ({}) },
  'POST /tenders/:tenderId/items/:itemId/move': { body: () => ({ direction: 'down' }) },
  // The removal confirmations send the version they showed (added like every page form's) and, for a section, the items listed: none, as it is empty.
  'POST /tenders/:tenderId/items/:itemId/remove': { body: () => ({}) },
  'POST /tenders/:tenderId/sections/:sectionId/remove': { body: () => ({ items: '' }) },
  'POST /api/tenders/:tenderId/sections': { body: () => ({ title: 'Ny seksjon' }) },
  'POST /tenders/:tenderId/sections': { body: () => ({ title: 'Ny seksjon' }) },
  'PUT /api/tenders/:tenderId/sections/:sectionId': { body: () => ({ title: 'Nytt seksjonsnavn' }) },
  'POST /tenders/:tenderId/sections/:sectionId': { body: () => ({ title: 'Nytt seksjonsnavn' }) },
  'POST /api/tenders/:tenderId/sections/:sectionId/move': { body: () => ({ direction: 'up' }) },
  'POST /tenders/:tenderId/sections/:sectionId/move': { body: () => ({ direction: 'up' }) },
  'PUT /api/tenders/:tenderId/co-buyers/:organisationId': { body: () => ({ canEdit: true }) },
  'POST /tenders/:tenderId/co-buyers': { body: (w) => ({ organisationId: (w.coBuyer as OrganisationRow).id, canEdit: 'true' }) },
  'POST /api/tenders/:tenderId/responses': { upload: responseUpload },
  'POST /tenders/:tenderId/responses': { upload: responseUpload },
  'POST /api/library/kravbank/import': { upload: kravbankLibraryUpload },
  'POST /library/kravbank': { upload: kravbankLibraryUpload },
  'POST /api/tenders/:tenderId/kravbank': { upload: kravbankTenderUpload },
  'POST /tenders/:tenderId/kravbank': { upload: kravbankTenderUpload },
  'POST /api/tenders/:tenderId/check-runs': { upload: bidderFilesUpload },
  'POST /tenders/:tenderId/check-runs': { upload: bidderFilesUpload },
  'POST /api/check-runs/:checkRunId/rerun': { body: () => ({}) },
  'POST /assessments/check-runs/:checkRunId/rerun': { body: () => ({}) },

  'POST /api/vendors': { body: () => ({ name: `Ny leverandør ${unique()} AS`, orgNumber: freshOrgNumber() }) },
  'PATCH /api/vendors/:vendorId': { body: () => ({ name: `Nytt leverandørnavn ${unique()} AS` }) },
  'POST /api/vendors/:vendorId/invitations': { body: () => ({ email: `kontakt-${unique()}@example.no` }) },
  'POST /api/products': { body: (w) => ({ vendorId: w.vendor?.id, name: `Fagsystem ${unique()}`, domains: ['school'], deployment: 'saas' }) },
  'PATCH /api/products/:productId': { body: () => ({ description: 'Ny beskrivelse av fagsystemet.' }) },
  'POST /api/products/:productId/versions': { body: () => ({ label: `2.${unique()}`, releaseDate: '2026-05-01' }) },
  'PATCH /api/products/:productId/versions/:versionId': { body: () => ({ label: `1.${unique()}` }) },
  'POST /vendors': { body: () => ({ name: `Ny leverandør ${unique()} AS`, orgNumber: freshOrgNumber() }) },
  'POST /vendors/:vendorId': { body: (w) => ({ name: `Nytt leverandørnavn ${unique()} AS`, orgNumber: w.vendor?.orgNumber, website: 'https://leverandor.example' }) },
  'POST /vendors/:vendorId/products': { body: () => ({ name: `Fagsystem ${unique()}`, description: '', domains: 'school', deployment: 'saas' }) },
  'POST /vendors/:vendorId/invitations': { body: () => ({ email: `kontakt-${unique()}@example.no` }) },
  'POST /products/:productId': { body: () => ({ name: `Fagsystem ${unique()}`, description: 'Ny beskrivelse.', domains: 'school', deployment: 'saas' }) },
  'POST /products/:productId/versions': { body: () => ({ label: `2.${unique()}`, releaseDate: '' }) },
  'POST /products/:productId/versions/:versionId': { body: () => ({ label: `1.${unique()}`, releaseDate: '2026-02-01' }) },
  'POST /api/usages': { body: (w) => ({ organisationId: w.org.id, productId: w.productId, contractEnd: '2028-12-31', noticeMonths: 3 }) },
  'GET /api/usages/exposure': { query: (w) => ({ organisationId: w.org.id }) },
  'PATCH /api/usages/:usageId': { body: () => ({ exitPlanStatus: 'draft', note: 'Exitplanen er påbegynt.' }) },
  'GET /vendors/exposure': { query: (w) => ({ organisationId: w.org.id }) },
  'GET /usages': { query: (w) => ({ organisationId: w.org.id }) },
  'POST /usages': { body: (w) => ({ organisationId: w.org.id, productId: w.productId as string, contractStart: '', contractEnd: '2028-12-31', noticeMonths: '3', exitPlanStatus: 'none', note: '' }) },
  'POST /usages/:usageId': { body: () => ({ contractStart: '', contractEnd: '2027-06-30', noticeMonths: '6', exitPlanStatus: 'draft', note: 'Exitplanen er påbegynt.' }) },

  'POST /api/profiles': { body: () => ({ name: `Profil ${unique()}`, items: [{ key: 'EXP-001' }] }) },
  'PUT /api/profiles/:profileId': { body: () => ({ name: 'Nytt profilnavn' }) },
  'POST /api/profiles/:profileId/requests': { body: (w) => ({ productId: w.productId }) },
  'POST /assessments/profiles': { body: () => ({ name: `Profil ${unique()}`, visibility: 'private', keys: 'EXP-001 API-003' }) },
  'POST /assessments/profiles/:profileId': { body: () => ({ name: 'Nytt profilnavn', description: '', visibility: 'private', addKeys: 'EXP-001 API-003' }) },
  'POST /assessments/profiles/:profileId/requests': { body: (w) => ({ productId: w.productId }) },
  'GET /api/assessments/answers': { query: (w) => ({ productVersionId: w.versionId as string }) },
  'POST /api/assessments/answers': { body: (w) => ({ productVersionId: w.versionId, key: 'API-003', major: 1, status: 'meets' }) },
  'POST /api/assessments/answers/:answerId/evidence': { upload: () => ({ fields: {}, file: EVIDENCE }) },
  'POST /api/assessments/answers/:answerId/verifications': { body: () => ({ decision: 'accepted', noteForVendor: 'Godkjent.', internalNote: 'Sjekket mot uttrekket.' }) },
  'POST /api/assessments/answers/:answerId/messages': { body: () => ({ body: 'Kan dere sende et eksempel på uttrekket?' }) },
  'GET /assessments/products/:productVersionId/answer': { query: () => ({ key: 'API-003', major: '1' }) },
  'POST /assessments/products/:productVersionId/answers': { body: () => ({ key: 'API-003', major: '1', status: 'meets', explanation: 'Fullt API.' }) },
  'POST /assessments/answers/:answerId/evidence': { upload: () => ({ fields: {}, file: EVIDENCE }) },
  'POST /assessments/answers/:answerId/verifications': { body: () => ({ decision: 'accepted', noteForVendor: 'Godkjent.', internalNote: '' }) },
  'POST /assessments/answers/:answerId/messages': { body: () => ({ body: 'Kan dere sende et eksempel på uttrekket?' }) },
  'GET /api/assessments/scores': { query: (w) => ({ profileId: w.profileId as string, productVersionId: w.versionId as string }) },
  'GET /api/assessments/comparison': { query: profileQuery },
  'GET /api/assessments/ranking': { query: profileQuery },
  'GET /api/assessments/comparison/export': { query: (w) => ({ ...profileQuery(w), format: 'csv' }) },
  'GET /api/assessments/chart': { query: profileQuery },
  'GET /assessments/compare': { query: profileQuery },

  'POST /api/joint-sets': { body: () => ({ title: `Felles kravsett ${unique()}` }) },
  'POST /joint-sets': { body: () => ({ title: `Felles kravsett ${unique()}` }) },
  'POST /api/joint-sets/import': { upload: (w) => ({ fields: {}, file: { name: 'kravsett.zip', content: w.jointPackage as Buffer } }) },
  'POST /api/exit/imports': { upload: () => ({ fields: {}, file: { name: 'datakrav-export.zip', content: emptyInstallationExport } }) },
  'POST /exit/imports': { upload: () => ({ fields: {}, file: { name: 'datakrav-export.zip', content: emptyInstallationExport } }) },
  'POST /joint-sets/import': { upload: (w) => ({ fields: {}, file: { name: 'kravsett.zip', content: w.jointPackage as Buffer } }) },
  'GET /api/joint-sets/:setId/diff': { query: () => ({ from: '1', to: '1' }) },
  'GET /joint-sets/:setId/diff': { query: () => ({ from: '1', to: '1' }) },
  'PATCH /api/joint-sets/:setId': { body: () => ({ title: 'Nytt navn på kravsettet' }) },
  'POST /joint-sets/:setId': { body: () => ({ title: 'Nytt navn på kravsettet', description: '', domain: '', isPublic: '' }) },
  'PUT /api/joint-sets/:setId/participants/:organisationId': { body: () => ({}) },
  'POST /joint-sets/:setId/participants': { body: (w) => ({ organisationId: (w.coBuyer as OrganisationRow).id }) },
  'POST /api/joint-sets/:setId/invitation': { body: () => ({ response: 'accept' }) },
  'POST /joint-sets/:setId/invitation': { body: () => ({ response: 'accept' }) },
  'POST /api/joint-sets/:setId/revisions': { body: () => ({ changeNote: 'Årlig revisjon.' }) },
  'POST /joint-sets/:setId/revisions': { body: () => ({ changeNote: 'Årlig revisjon.' }) },
  'POST /api/joint-sets/:setId/revisions/:number/items': { body: () => ({ keys: ['EXP-002'] }) },
  'POST /joint-sets/:setId/revisions/:number/items': { body: () => ({ keys: 'EXP-002' }) },
  'PUT /api/joint-sets/:setId/revisions/:number/items/:itemId': { body: () => ({ weight: 10 }) },
  'POST /joint-sets/:setId/revisions/:number/items/:itemId': { body: () => ({ type: 'A', weight: '0' }) },
  'POST /api/joint-sets/:setId/revisions/:number/sections': { body: () => ({ title: 'Ny seksjon' }) },
  'POST /joint-sets/:setId/revisions/:number/sections': { body: () => ({ title: 'Ny seksjon' }) },
  'PUT /api/joint-sets/:setId/revisions/:number/sections/:sectionId': { body: () => ({ title: 'Nytt seksjonsnavn' }) },
  'POST /joint-sets/:setId/revisions/:number/sections/:sectionId': { body: () => ({ title: 'Nytt seksjonsnavn' }) },
  'POST /api/joint-sets/:setId/revisions/:number/transition': { body: () => ({ to: 'consultation' }) },
  'POST /joint-sets/:setId/revisions/:number/transition': { body: () => ({ to: 'consultation' }) },
  'POST /api/joint-sets/:setId/revisions/:number/comments': { body: (w) => ({ itemId: w.jointItemId, position: 'agree', text: 'Vi støtter kravet.' }) },
  'POST /joint-sets/:setId/revisions/:number/comments': { body: (w) => ({ itemId: w.jointItemId as string, position: 'agree', text: 'Vi støtter kravet.' }) },
  'PUT /api/joint-sets/:setId/revisions/:number/comments/:commentId/resolution': { body: () => ({ resolution: 'noted', response: 'Tatt til orientering.' }) },
  'POST /joint-sets/:setId/revisions/:number/comments/:commentId/resolution': { body: () => ({ resolution: 'noted', response: 'Tatt til orientering.' }) },
  'POST /api/joint-sets/:setId/revisions/:number/signoffs': { body: () => ({ decision: 'signed' }) },
  'POST /joint-sets/:setId/revisions/:number/signoffs': { body: () => ({ decision: 'signed' }) },
  'PUT /api/joint-sets/:setId/revisions/:number/deviations/:key': { body: () => ({ kind: 'change', parameterValues: { exportHours: 48 }, justification: 'Vi har store datamengder.' }) },
  'POST /joint-sets/:setId/revisions/:number/deviations/:key': { body: () => ({ kind: 'exclude', justification: 'Vi trenger ikke dette kravet.' }) },
  'POST /joint-sets/:setId/revisions/:number/deviations/:key/withdraw': { body: () => ({ organisationId: '' }) },
  'POST /api/joint-sets/:setId/revisions/:number/tenders': { body: () => ({ title: 'Anskaffelse fra kravsettet', reference: `FK-${unique()}`, language: 'nb' }) },
  'POST /joint-sets/:setId/revisions/:number/tenders': { body: () => ({ title: 'Anskaffelse fra kravsettet', reference: `FK-${unique()}`, language: 'nb' }) },
  'POST /api/joint-sets/:setId/revisions/:number/profiles': { body: () => ({ name: `Profil fra kravsettet ${unique()}` }) },
  'POST /joint-sets/:setId/revisions/:number/profiles': { body: () => ({ name: `Profil fra kravsettet ${unique()}` }) },
};

/**
 * Path parameters that mean something else in a route than elsewhere, by route: in the vendor
 * routes :invitationId is an invitation of the vendor, not of the target organisation.
 */
const PARAM_OVERRIDES: Record<string, Record<string, (w: World) => string | undefined>> = {
  'DELETE /api/vendors/:vendorId/invitations/:invitationId': { invitationId: (w) => w.vendorInvitationId },
  'POST /vendors/:vendorId/invitations/:invitationId/revoke': { invitationId: (w) => w.vendorInvitationId },
  // In the joint-set routes :itemId and :sectionId are the set's, not the tender's.
  ...Object.fromEntries(
    [
      'PUT /api/joint-sets/:setId/revisions/:number/items/:itemId',
      'DELETE /api/joint-sets/:setId/revisions/:number/items/:itemId',
      'POST /joint-sets/:setId/revisions/:number/items/:itemId',
      'POST /joint-sets/:setId/revisions/:number/items/:itemId/remove',
      'PUT /api/joint-sets/:setId/revisions/:number/sections/:sectionId',
      'DELETE /api/joint-sets/:setId/revisions/:number/sections/:sectionId',
      'POST /joint-sets/:setId/revisions/:number/sections/:sectionId',
      'POST /joint-sets/:setId/revisions/:number/sections/:sectionId/remove',
    ].map((key) => [key, { itemId: (w: World) => w.jointItemId, sectionId: (w: World) => w.jointSectionId }]),
  ),
};

/** The value of each path parameter in a world, for the route `key`. */
function paramValue(name: string, w: World, key = ''): string | undefined {
  const override = PARAM_OVERRIDES[key]?.[name];
  if (override) return override(w);
  const values: Record<string, string | undefined> = {
    orgId: w.org.id,
    userId: w.member.id,
    invitationId: w.invitationId,
    tokenId: w.tokenId,
    token: w.invitationToken,
    key: w.itemKey,
    draftId: w.draftId,
    selectionId: w.selectionId,
    exportId: w.exportId,
    importId: '00000000-0000-4000-8000-0000000e0a18',
    checkRunId: w.checkRunId,
    pack: 'school-kindergarten',
    tenderId: w.tenderId,
    itemId: w.itemId,
    sectionId: w.sectionId,
    organisationId: w.coBuyer?.id,
    document: 'specification.docx',
    vendorId: w.vendor?.id,
    productId: w.productId,
    versionId: w.versionId,
    productVersionId: w.versionId,
    usageId: w.usageId,
    profileId: w.profileId,
    answerId: w.answerId,
    evidenceId: w.evidenceId,
    setId: w.setId,
    number: w.revisionNumber === undefined ? undefined : String(w.revisionNumber),
    commentId: w.commentId,
    providerId: w.providerId,
    slug: w.providerSlug,
    mappingId: w.mappingId,
  };
  return values[name];
}

function urlFor(path: string, w: World, query?: Record<string, string>, key = ''): string {
  const filled = path.replace(/:(\w+)/g, (_m, name: string) => {
    const value = paramValue(name, w, key);
    if (value === undefined) throw new Error(`no fixture for :${name} in ${path}`);
    return encodeURIComponent(value);
  });
  return query ? `${filled}?${new URLSearchParams(query).toString()}` : filled;
}

/**
 * A call of a route as the caller makes it; a change of a versioned entity presents the version
 * the caller reads just before (If-Match for the API, the hidden field for a page's form).
 */
async function call(route: RouteDefinition, w: World): Promise<{ url: string; request: supertest.Test }> {
  const key = `${route.method.toUpperCase()} ${route.path}`;
  const spec = CALLS[key] ?? {};
  const url = urlFor(route.path, w, spec.query?.(w), key);
  const version = await versionToPresent(w, route.surface === 'page' ? 'form' : route.method, url);
  let request = w.agent[route.method](url);
  if (route.surface === 'api' && version) request = request.set('If-Match', `"${version}"`);
  const versionField = version === undefined || (route.surface === 'api' && version > 0) ? {} : { version: String(version) };
  if (route.method === 'get') return { url, request };
  if (spec.upload) {
    const { fields, file } = spec.upload(w);
    if (route.surface === 'page') request = request.field('_csrf', w.csrf);
    else if (w.caller) request = request.set('X-CSRF-Token', w.csrf);
    for (const [name, value] of Object.entries(fields)) request = request.field(name, value);
    return { url, request: request.attach(file.field ?? 'file', file.content ?? Buffer.alloc(0), file.name) };
  }
  if (route.surface === 'page') return { url, request: request.type('form').send({ _csrf: w.csrf, ...versionField, ...spec.body?.(w) }) };
  if (w.caller) request = request.set('X-CSRF-Token', w.csrf);
  if (route.surface === 'api' && version === 0) return { url, request: request.send({ ...spec.body?.(w), version: 0 }) };
  return { url, request: spec.body ? request.send(spec.body(w)) : request };
}

/** A well-formed installation export holding nothing. */
let emptyInstallationExport: Buffer = Buffer.alloc(0);
let ctx: TestContext;
beforeAll(async () => {
  const zip = new JSZip();
  zip.file('manifest.json', JSON.stringify({ formatVersion: 1, appVersion: '0.1.0', createdAt: '2026-01-01T00:00:00.000Z', scope: { kind: 'installation' }, files: [], auditChains: [] }));
  emptyInstallationExport = await zip.generateAsync({ type: 'nodebuffer' });
  ctx = await createTestApp({ LOGIN_REQUESTS_PER_IP_15_MIN: '100000', PUBLIC_REGISTER: 'true' }, { seed: 'baseline' });
});
afterAll(() => ctx.close());

function routeKey(route: Pick<RouteDefinition, 'method' | 'path'>): string {
  return `${route.method.toUpperCase()} ${route.path}`;
}

function findRoute(key: string): RouteDefinition {
  const route = routesOf(ctx.app).find((r) => routeKey(r) === key);
  if (!route) throw new Error(`the app registers no route ${key}`);
  return route;
}

describe('the authorisation table', () => {
  test('When the app registers a route, then the table has a row for it, and every row is a registered route', () => {
    const registered = routesOf(ctx.app).map(routeKey);
    expect(registered.length).toBeGreaterThan(0);
    expect(registered.filter((key) => !(key in EXPECTED))).toEqual([]);
    expect(Object.keys(EXPECTED).filter((key) => !registered.includes(key))).toEqual([]);
  });

  test('When the table has a query or body for a route, then that route exists', () => {
    const missing = [...Object.keys(CALLS), ...Object.keys(PARAM_OVERRIDES)].filter((key) => !(key in EXPECTED));
    expect(missing).toEqual([]);
  });

  test('When a route reads a body, then the table sends one, so that its answer is about access and not about a missing body', () => {
    const withBody = routesOf(ctx.app).filter((r) => r.body);
    expect(withBody.length).toBeGreaterThan(20);
    expect(withBody.map(routeKey).filter((key) => !CALLS[key]?.body && !CALLS[key]?.upload)).toEqual([]);
  });

  test('When a path parameter appears in a route, then every world has a value for it', () => {
    const names = new Set(routesOf(ctx.app).flatMap((r) => [...r.path.matchAll(/:(\w+)/g)].map((m) => m[1] as string)));
    const known = ['orgId', 'userId', 'invitationId', 'tokenId', 'token', 'key', 'draftId', 'selectionId', 'tenderId', 'itemId', 'sectionId', 'organisationId', 'document', 'vendorId', 'productId', 'versionId', 'productVersionId', 'usageId', 'profileId', 'answerId', 'evidenceId', 'setId', 'number', 'commentId', 'providerId', 'slug', 'mappingId', 'exportId', 'importId', 'checkRunId', 'pack'];
    expect([...names].filter((name) => !known.includes(name))).toEqual([]);
  });
});

/**
 * GET routes change nothing, so the GET cases of one role share one world, built with every
 * fixture a GET route reads. A refused call changes nothing either (the effects below show it for
 * each kind of refusal), so the refused cases of one route share that route's fixtures, each with a
 * caller of its own; an allowed case builds its own world, as its call changes it. Should a refused
 * call change something after all, the next refused case of the route sees the change in its answer.
 */
const readWorlds = new Map<Role, Promise<World>>();
const refusedBases = new Map<string, Promise<Base>>();
function worldFor(role: Role, key: string): Promise<World> {
  if (key.startsWith('GET ')) {
    let world = readWorlds.get(role);
    if (!world) {
      world = buildWorld(ctx, role, READ_FIXTURES);
      readWorlds.set(role, world);
    }
    return world;
  }
  if ((EXPECTED[key]?.[role] ?? 0) < 400) return buildWorld(ctx, role, key);
  let base = refusedBases.get(key);
  if (!base) {
    base = buildBase(ctx, key);
    refusedBases.set(key, base);
  }
  return base.then((b) => withCaller(ctx, b, role, key));
}

describe.each(Object.keys(EXPECTED))('%s', (key) => {
  test.each(ROLES.map((role) => [role, EXPECTED[key]?.[role] as number] as const))('When the %s calls it, then the answer is %i', async (role, expected) => {
    const route = findRoute(key);
    const w = await worldFor(role, key);
    const { url, request } = await call(route, w);
    const res = await request;

    // On a mismatch the problem code is shown too.
    expect({ status: res.status, code: res.status === expected ? undefined : (res.body?.code as unknown) }).toEqual({ status: expected, code: undefined });
    if (expected === 303 && role === 'anonymous' && route.method === 'get') {
      expect(res.headers.location).toBe(`/login?returnTo=${encodeURIComponent(url)}`);
    }
    if (expected >= 400 && route.surface === 'api') {
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: expected, code: expect.any(String), detail: expect.any(String) });
    }
    if (expected >= 400 && route.surface === 'page') {
      expect(res.headers['content-type']).toMatch(/^text\/html/);
    }
    if (expected === 404 && !['viewer', 'editor', 'assessor', 'owner'].includes(role)) {
      // "Not found" tells nothing about the organisation behind the id. (Its own members see its name
      // in every page's header, so for them the page's text says nothing new.)
      expect(res.text).not.toContain(w.org.name);
      expect(res.text).not.toContain(w.owner.email);
    }
  });
});

describe('the effects behind the answers', () => {
  test('When a viewer tries to change a member\'s role, then the role is unchanged', async () => {
    const w = await buildWorld(ctx, 'viewer');
    // The viewer reads the member first, so the change names the membership's version and is refused for the role alone.
    const url = `/api/organisations/${w.org.id}/members/${w.member.id}`;
    const res = await w.agent.put(url).set('X-CSRF-Token', w.csrf).send({ role: 'viewer', version: await versionToPresent(w, 'put', url) });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('organisation.role_required');
    const members = await w.agent.get(`/api/organisations/${w.org.id}/members`);
    expect(members.body.items.find((m: { userId: string }) => m.userId === w.member.id).role).toBe('editor');
  });

  test('When an outsider tries to remove a member, then the member stays and the answer is the same as for an unknown organisation', async () => {
    const w = await buildWorld(ctx, 'outsider');
    const res = await w.agent.delete(`/api/organisations/${w.org.id}/members/${w.member.id}`).set('X-CSRF-Token', w.csrf);
    const unknown = await w.agent.delete(`/api/organisations/00000000-0000-4000-8000-000000000000/members/${w.member.id}`).set('X-CSRF-Token', w.csrf);
    expect(res.status).toBe(404);
    expect({ code: res.body.code, detail: res.body.detail }).toEqual({ code: unknown.body.code, detail: unknown.body.detail });
    expect((await ctx.services.organisations.members(ownerActor(w.owner, w.org), w.org.id)).map((m) => m.userId)).toContain(w.member.id);
  });

  test('When a viewer, a vendor or an administrator without memberships saves a library search as a selection, then the library page says no and nothing is saved; an editor\'s is saved', async () => {
    for (const role of ['viewer', 'vendor', 'admin', 'editor'] as const) {
      const w = await buildWorld(ctx, role, 'POST /library/selections');
      const name = `Utvalg ${unique()}`;
      const res = await w.agent.post('/library/selections').type('form').send({ _csrf: w.csrf, name, category: 'export' });
      expect({ role, status: res.status, location: res.headers.location }).toEqual({ role, status: 303, location: '/library' });
      const page = await w.agent.get('/library');
      const selections = await w.agent.get('/api/library/selections');
      const saved = selections.body.items.filter((s: { name: string }) => s.name === name);
      if (role === 'editor') {
        expect(saved).toEqual([expect.objectContaining({ organisationId: w.org.id, keys: expect.arrayContaining(['EXP-001']) })]);
      } else {
        expect({ role, saved }).toEqual({ role, saved: [] });
        expect(page.text).toContain('class="ds-alert" data-color="danger"');
      }
    }
  });

  test('When a viewer or an assessor tries to change, issue or close a tender, then it stays as it was', async () => {
    for (const role of ['viewer', 'assessor'] as const) {
      const w = await buildWorld(ctx, role, 'POST /api/tenders/:tenderId/issue');
      const before = (await w.agent.get(`/api/tenders/${w.tenderId}`)).body;
      for (const [method, path, body] of [
        ['put', `/api/tenders/${w.tenderId}`, { title: 'Endret av en som bare kan lese', version: before.version }],
        ['post', `/api/tenders/${w.tenderId}/items`, { keys: ['EXP-002'] }],
        ['delete', `/api/tenders/${w.tenderId}/items/${w.itemId}`, undefined],
        ['post', `/api/tenders/${w.tenderId}/issue`, undefined],
        ['post', `/api/tenders/${w.tenderId}/close`, undefined],
      ] as const) {
        const res = await w.agent[method](path).set('X-CSRF-Token', w.csrf).send(body);
        expect({ role, method, path, status: res.status, code: res.body.code }).toEqual({ role, method, path, status: 403, code: 'tender.editor_required' });
      }
      expect((await w.agent.get(`/api/tenders/${w.tenderId}`)).body).toEqual(before);
      expect(before).toMatchObject({ status: 'draft', currentRevision: 0, canEdit: false });
    }
  });

  test('When an outsider or a vendor tries to save, publish or discard another organisation\'s draft, then the answer is the same as for an unknown draft and the draft is untouched', async () => {
    for (const role of ['outsider', 'vendor'] as const) {
      const w = await buildWorld(ctx, role, 'DELETE /api/library/drafts/:draftId');
      const unknown = '00000000-0000-4000-8000-000000000000';
      for (const id of [w.draftId as string, unknown]) {
        const saved = await w.agent.put(`/api/library/drafts/${id}`).set('X-CSRF-Token', w.csrf).send({ ...itemContent(), version: 1 });
        const published = await w.agent.post(`/api/library/drafts/${id}/publish`).set('X-CSRF-Token', w.csrf).send({ level: 'major', changeNote: CHANGE_NOTE, version: 1 });
        const discarded = await w.agent.delete(`/api/library/drafts/${id}`).set('X-CSRF-Token', w.csrf);
        for (const res of [saved, published, discarded]) {
          expect({ role, status: res.status, code: res.body.code, detail: res.body.detail }).toEqual({ role, status: 404, code: 'library.draft_not_found', detail: 'No such draft, or it belongs to another organisation.' });
        }
      }
      const draft = await ctx.services.library.getDraft(ownerActor(w.owner, w.org), w.draftId as string);
      expect(draft).toMatchObject({ status: 'draft', revision: 1, ownerOrganisationId: w.org.id });
    }
  });

  test('When an anonymous visitor posts a page form without the CSRF token, then it is refused', async () => {
    const res = await ctx.request().post('/language').type('form').send({ lang: 'en' });
    expect(res.status).toBe(403);
    expect(res.text).toContain('<html');
  });

  test('When a logged-in user posts an API change without the X-CSRF-Token header, then it is refused', async () => {
    const w = await buildWorld(ctx, 'owner');
    const res = await w.agent.patch(`/api/organisations/${w.org.id}`).send({ name: `Uten token ${unique()}` });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('auth.csrf_rejected');
  });
});

describe('isolation between organisations', () => {
  async function twoOrganisations() {
    const a = await buildOrganisation(ctx.services, { name: `Alfa kommune ${unique()}` });
    const b = await buildOrganisation(ctx.services, { name: `Beta kommune ${unique()}` });
    const ownerA = await buildUser(ctx.services, { name: 'Anne Alfa', memberships: [[a, 'owner']] });
    const ownerB = await buildUser(ctx.services, { email: `beta-eier-${unique()}@example.no`, name: 'Bjarne Beta', memberships: [[b, 'owner']] });
    const memberB = await buildUser(ctx.services, { email: `beta-medlem-${unique()}@example.no`, name: 'Berit Beta', memberships: [[b, 'viewer']] });
    const invitedB = `beta-invitert-${unique()}@example.no`;
    const { invitation } = await ctx.services.organisations.invite(ownerActor(ownerB, b), b.id, { email: invitedB, role: 'editor' }, { ...SYSTEM_AUDIT, actorUserId: ownerB.id, actorEmail: ownerB.email });
    // B's owner renames B through the API, so B's log has an entry written by a request.
    const sessionB = await loginAs(ctx, ownerB);
    const renamed = `Beta kommune omdøpt ${unique()}`;
    const version = await versionToPresent(sessionB, 'patch', `/api/organisations/${b.id}`);
    expect((await sessionB.agent.patch(`/api/organisations/${b.id}`).set('X-CSRF-Token', sessionB.csrf).send({ name: renamed, version })).status).toBe(200);
    const secrets = [b.id, renamed, b.name, ownerB.email, memberB.email, invitedB, invitation.id];
    return { a, b, ownerA, secrets };
  }

  function expectNoneOf(text: string, secrets: string[]) {
    for (const secret of secrets) expect(text).not.toContain(secret);
  }

  test('When the owner of A asks for B\'s members, invitations and organisation, then every answer is 404 and holds none of B\'s data', async () => {
    const { b, ownerA, secrets } = await twoOrganisations();
    const { agent } = await loginAs(ctx, ownerA);
    for (const path of [`/api/organisations/${b.id}`, `/api/organisations/${b.id}/members`, `/api/organisations/${b.id}/invitations`, `/api/audit?organisationId=${b.id}`]) {
      const res = await agent.get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      expect(res.body.code).toBe('organisation.not_found');
      expectNoneOf(JSON.stringify({ ...res.body, instance: undefined }), secrets);
    }
  });

  test('When the owner of A reads the audit log and the organisation list without filters, then only A\'s data is there', async () => {
    const { a, ownerA, secrets } = await twoOrganisations();
    const { agent } = await loginAs(ctx, ownerA);
    const audit = await agent.get('/api/audit').query({ pageSize: 500 });
    expect(audit.status).toBe(200);
    expect(audit.body.items.length).toBeGreaterThan(0);
    expect(audit.body.items.every((entry: { organisationId: string }) => entry.organisationId === a.id)).toBe(true);
    expectNoneOf(audit.text, secrets);
    const list = await agent.get('/api/organisations').query({ pageSize: 200 });
    expect(list.body.items.map((o: { id: string }) => o.id)).toEqual([a.id]);
    expectNoneOf(list.text, secrets);
  });

  test('When a viewer of A searches the audit log for B\'s entities, then the answer is 403 and holds none of B\'s data', async () => {
    const { a, secrets } = await twoOrganisations();
    const viewerA = await buildUser(ctx.services, { memberships: [[a, 'viewer']] });
    const { agent } = await loginAs(ctx, viewerA);
    const res = await agent.get('/api/audit').query({ entityId: secrets[0] as string });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('audit.owner_required');
    expectNoneOf(JSON.stringify({ ...res.body, instance: undefined }), secrets);
  });

  test('When the owner of A tries B\'s member and invitation by id through A, then nothing of B changes', async () => {
    const { a, b, ownerA, secrets } = await twoOrganisations();
    const { agent, csrf } = await loginAs(ctx, ownerA);
    const bMembers = await ctx.services.repositories.organisations.members(ctx.services.database.db, b.id);
    const bInvitations = await ctx.services.repositories.organisations.pendingInvitations(ctx.services.database.db, b.id, new Date());
    const someMemberOfB = bMembers[0]?.userId as string;
    const invitationOfB = bInvitations[0]?.id as string;
    // A's own organisation id with B's member and invitation ids: B's rows are not in A.
    const memberUrl = `/api/organisations/${a.id}/members/${someMemberOfB}`;
    expect((await agent.put(memberUrl).set('X-CSRF-Token', csrf).send({ role: 'viewer', version: await versionToPresent({ agent }, 'put', memberUrl) })).status).toBe(404);
    expect((await agent.delete(`/api/organisations/${a.id}/members/${someMemberOfB}`).set('X-CSRF-Token', csrf)).status).toBe(404);
    expect((await agent.delete(`/api/organisations/${a.id}/invitations/${invitationOfB}`).set('X-CSRF-Token', csrf)).status).toBe(404);
    expect(await ctx.services.repositories.organisations.members(ctx.services.database.db, b.id)).toEqual(bMembers);
    expect((await ctx.services.repositories.organisations.pendingInvitations(ctx.services.database.db, b.id, new Date())).map((i) => i.id)).toEqual(bInvitations.map((i) => i.id));
    expect(secrets).toContain(invitationOfB);
  });
  test('When a member of B lists tenders, library drafts and draft items, then none of A\'s tenders, private drafts or selections are there, while A and A\'s co-buyer see theirs', async () => {
    const a = await buildOrganisation(ctx.services, { name: `Alfa kommune ${unique()}` });
    const b = await buildOrganisation(ctx.services, { name: `Beta kommune ${unique()}` });
    const c = await buildOrganisation(ctx.services, { name: `Gamma kommune ${unique()}` });
    const ownerA = await buildUser(ctx.services, { memberships: [[a, 'owner']] });
    const ownerB = await buildUser(ctx.services, { memberships: [[b, 'owner']] });
    const actorA = ownerActor(ownerA, a);
    const actorB = ownerActor(ownerB, b);

    // A's tender, shared with C but not with B; A's private drafts (a new item and a new version) and selection.
    const tenderTitle = `Alfas hemmelige anskaffelse ${unique()}`;
    const tenderA = await ctx.services.tenders.create(actorA, { title: tenderTitle, reference: `ALFA/${unique()}`, language: 'nb' }, SYSTEM_AUDIT);
    await ctx.services.tenders.setCoBuyer(actorA, tenderA.id, c.id, false, (await ctx.services.tenders.view(actorA, tenderA.id)).tender.version, SYSTEM_AUDIT);
    const draftKey = freshKey();
    const draftTitle = `Alfas hemmelige utkast ${unique()}`;
    const newDraftA = await ctx.services.library.createItem(actorA, { ...itemContent(), key: draftKey, title: { nb: draftTitle, en: draftTitle } }, SYSTEM_AUDIT);
    const versionDraftA = await ctx.services.library.createDraftVersion(actorA, 'API-001', {}, SYSTEM_AUDIT);
    const selectionA = await ctx.services.tenders.createSelection(actorA, { name: `Alfas hemmelige utvalg ${unique()}`, keys: ['EXP-001'] }, SYSTEM_AUDIT);
    const secrets = [a.id, a.name, tenderA.id, tenderTitle, tenderA.reference, draftKey, draftTitle, newDraftA.id, versionDraftA.id, selectionA.id, selectionA.name];

    // B's own, so that B's lists are not empty by accident.
    const tenderB = await ctx.services.tenders.create(actorB, { title: 'Betas anskaffelse', reference: `BETA/${unique()}`, language: 'nb' }, SYSTEM_AUDIT);
    const draftB = await ctx.services.library.createItem(actorB, { ...itemContent(), key: freshKey() }, SYSTEM_AUDIT);

    for (const role of ['owner', 'editor', 'viewer'] as const) {
      const memberB = role === 'owner' ? ownerB : await buildUser(ctx.services, { memberships: [[b, role]] });
      const { agent } = await loginAs(ctx, memberB);
      const tenders = await agent.get('/api/tenders').query({ pageSize: 200 });
      expect(tenders.status).toBe(200);
      expect(tenders.body.items.map((t: { id: string }) => t.id)).toEqual([tenderB.id]);
      const search = await agent.get('/api/tenders').query({ q: tenderTitle });
      expect(search.body.total).toBe(0);
      const drafts = await agent.get('/api/library/drafts');
      expect(drafts.status).toBe(200);
      expect(drafts.body.items.map((d: { draft: { id: string } }) => d.draft.id)).toEqual([draftB.id]);
      const draftItems = await agent.get('/api/library/items').query({ status: 'draft', pageSize: 200 });
      expect(draftItems.status).toBe(200);
      expect(draftItems.body.items.map((i: { draftId: string }) => i.draftId)).toEqual([draftB.id]);
      const byKey = await agent.get('/api/library/items').query({ q: draftKey });
      expect(byKey.body.total).toBe(0);
      const selections = await agent.get('/api/library/selections');
      expect(selections.status).toBe(200);
      for (const res of [tenders, search, drafts, draftItems, byKey, selections]) expectNoneOf(res.text, secrets);
      for (const page of ['/tenders', '/library?status=draft&pageSize=200']) {
        const res = await agent.get(page);
        expect({ page, status: res.status }).toEqual({ page, status: 200 });
        expectNoneOf(res.text, secrets);
      }
    }

    // The same lists show A's own tender and drafts to A, and the shared tender to C.
    const { agent: agentA } = await loginAs(ctx, ownerA);
    expect((await agentA.get('/api/tenders')).body.items.map((t: { id: string }) => t.id)).toEqual([tenderA.id]);
    expect((await agentA.get('/api/library/drafts')).body.items.map((d: { draft: { id: string } }) => d.draft.id).sort()).toEqual([newDraftA.id, versionDraftA.id].sort());
    expect((await agentA.get('/api/library/items').query({ status: 'draft', pageSize: 200 })).body.items.map((i: { key: string }) => i.key)).toContain(draftKey);
    const { agent: agentC } = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[c, 'viewer']] }));
    expect((await agentC.get('/api/tenders')).body.items.map((t: { id: string }) => t.id)).toEqual([tenderA.id]);
  });
});
