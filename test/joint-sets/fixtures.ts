import { SYSTEM_AUDIT, type Actor } from '../../server/auth/actor';
import type { UserRow } from '../../server/auth/users.table';
import type { OrganisationRow } from '../../server/organisations/organisations.table';
import type { Services } from '../../server/services';
import type { Response } from 'supertest';
import type { TestContext } from '../helpers/app';
import { buildOrganisation, buildUser, loginAs, unique, type LoggedIn } from '../helpers/factories';
import { versionToPresent } from '../helpers/versioning';

/** Items of the shipped library a joint set is assembled from: EXP-001 (A), API-003 (V), DOC-002 (V), EXIT-009 (clause). */
export const SET_KEYS = ['EXP-001', 'API-003', 'DOC-002', 'EXIT-009'];

export type Cities = {
  oslo: OrganisationRow;
  bergen: OrganisationRow;
  trondheim: OrganisationRow;
  tromso: OrganisationRow;
  osloOwner: LoggedIn;
  osloEditor: LoggedIn;
  osloViewer: LoggedIn;
  bergenOwner: LoggedIn;
  bergenEditor: LoggedIn;
  trondheimOwner: LoggedIn;
  outsider: LoggedIn;
  vendor: LoggedIn;
  admin: LoggedIn;
};

/** Oslo coordinates; Bergen and Trondheim are invited; Tromsø stays outside; a vendor and an administrator. */
export async function buildCities(ctx: TestContext): Promise<Cities> {
  const s = ctx.services;
  const oslo = await buildOrganisation(s, { name: `Oslo kommune ${unique()}` });
  const bergen = await buildOrganisation(s, { name: `Bergen kommune ${unique()}` });
  const trondheim = await buildOrganisation(s, { name: `Trondheim kommune ${unique()}` });
  const tromso = await buildOrganisation(s, { name: `Tromsø kommune ${unique()}` });
  const vendorOrg = await buildOrganisation(s, { kind: 'vendor', name: `Leverandør ${unique()} AS` });
  const user = async (org: OrganisationRow, role: 'owner' | 'editor' | 'viewer', name: string) => loginAs(ctx, await buildUser(s, { name, memberships: [[org, role]] }));
  return {
    oslo,
    bergen,
    trondheim,
    tromso,
    osloOwner: await user(oslo, 'owner', 'Ola Oslo'),
    osloEditor: await user(oslo, 'editor', 'Eva Oslo'),
    osloViewer: await user(oslo, 'viewer', 'Vera Oslo'),
    bergenOwner: await user(bergen, 'owner', 'Bjørn Bergen'),
    bergenEditor: await user(bergen, 'editor', 'Berit Bergen'),
    trondheimOwner: await user(trondheim, 'owner', 'Trond Trondheim'),
    outsider: await user(tromso, 'owner', 'Tove Tromsø'),
    vendor: await user(vendorOrg, 'owner', 'Leif Leverandør'),
    admin: await loginAs(ctx, await buildUser(s, { isAdmin: true })),
  };
}

/**
 * A request to the API as a participant sends it: a change of a versioned entity presents the
 * version read just before (versionToPresent) unless the body names one.
 */
export const send = (who: LoggedIn, method: 'post' | 'put' | 'patch' | 'delete', url: string, body?: object) => {
  const prepared = (async () => {
    const given = body && 'version' in body;
    const version = given ? undefined : await versionToPresent(who, method, url);
    const request = who.agent[method](url).set('X-CSRF-Token', who.csrf);
    const sent = version === undefined ? body : { ...body, version };
    return { request: sent ? request.send(sent) : request };
  })();
  return {
    expect: (status: number) => prepared.then(({ request }) => request.expect(status)),
    then: <T>(resolve: (res: Response) => T, reject?: (error: unknown) => T) => prepared.then(({ request }) => request).then(resolve, reject),
  };
};

/** Oslo's set with Bergen (accepted) and Trondheim (invited), revision 1 as a draft with the set's items. */
export async function draftSet(c: Cities, overrides: Record<string, unknown> = {}): Promise<{ id: string }> {
  const created = await send(c.osloEditor, 'post', '/api/joint-sets', { title: 'Felles krav til skoleadministrative systemer', description: 'Storbyenes felles krav.', domain: 'school', ...overrides });
  if (created.status !== 201) throw new Error(`could not create the set: ${created.status} ${JSON.stringify(created.body)}`);
  const id = created.body.id as string;
  for (const org of [c.bergen, c.trondheim]) await send(c.osloEditor, 'put', `/api/joint-sets/${id}/participants/${org.id}`).expect(204);
  await send(c.bergenEditor, 'post', `/api/joint-sets/${id}/invitation`, { response: 'accept' }).expect(204);
  await send(c.osloEditor, 'post', `/api/joint-sets/${id}/revisions/1/items`, { keys: SET_KEYS }).expect(201);
  return { id };
}

/** A set whose revision 1 went through consultation and was adopted. */
export async function adoptedSet(c: Cities, overrides: Record<string, unknown> = {}): Promise<{ id: string }> {
  const set = await draftSet(c, overrides);
  await send(c.osloEditor, 'post', `/api/joint-sets/${set.id}/revisions/1/transition`, { to: 'consultation' }).expect(200);
  await send(c.osloEditor, 'post', `/api/joint-sets/${set.id}/revisions/1/transition`, { to: 'adopted' }).expect(200);
  return set;
}

export async function itemsOf(who: LoggedIn, setId: string, number: number): Promise<{ id: string; key: string; libraryVersion: string; version: number; type: string; weight: number; parameterValues: Record<string, unknown> }[]> {
  const res = await who.agent.get(`/api/joint-sets/${setId}/revisions/${number}`);
  if (res.status !== 200) throw new Error(`could not read revision ${number}: ${res.status}`);
  return (res.body.sections as { items: never[] }[]).flatMap((s) => s.items);
}

export function actorOf(user: UserRow, org: OrganisationRow, role: 'owner' | 'editor' = 'owner'): Actor {
  return {
    userId: user.id,
    email: user.email,
    name: user.name,
    isAdmin: false,
    locale: 'nb',
    memberships: [{ organisationId: org.id, organisationName: org.name, kind: org.kind, role, parentId: null }],
    activeOrganisationId: org.id,
    via: 'session',
    sessionId: null,
    csrfToken: null,
  };
}

/** Publishes a new minor version of a shared library item with a sentence added to its text, as the owner of `org`. */
export async function publishNewVersion(services: Services, user: UserRow, org: OrganisationRow, key: string, added: { nb: string; en: string }): Promise<string> {
  const actor = actorOf(user, org);
  const draft = await services.library.createDraftVersion(actor, key, {}, SYSTEM_AUDIT);
  const text = { nb: `${draft.text.nb} ${added.nb}`, en: `${draft.text.en} ${added.en}` };
  const updated = await services.library.updateDraft(actor, draft.id, { ...(pickContent(draft as unknown as Record<string, unknown>) as object), text, version: draft.revision } as never, SYSTEM_AUDIT);
  const published = await services.library.publish(actor, draft.id, { level: 'minor', changeNote: { nb: 'Ny formulering.', en: 'New wording.' }, version: updated.revision }, SYSTEM_AUDIT);
  return published.version as string;
}

function pickContent(row: Record<string, unknown>) {
  const fields = ['kind', 'category', 'type', 'weight', 'themes', 'title', 'text', 'rationale', 'responseGuidance', 'parameters', 'references', 'verification', 'evidence', 'domains', 'tags', 'supersedes', 'changeNote'];
  return Object.fromEntries(fields.map((f) => [f, row[f]]));
}
