import { createTestApp, type TestContext } from '../helpers/app';
import { buildOrganisation } from '../helpers/factories';
import { adoptedSet, buildCities, draftSet, itemsOf, send, SET_KEYS, type Cities } from './fixtures';

let ctx: TestContext;
let c: Cities;

beforeAll(async () => {
  ctx = await createTestApp({}, { seed: 'library' });
  c = await buildCities(ctx);
});
afterAll(() => ctx.close());

describe('starting a joint set and its participants', () => {
  test('When an editor of a buyer starts a set, then the buyer coordinates it, takes part, and revision 1 is a draft', async () => {
    const res = await send(c.osloEditor, 'post', '/api/joint-sets', { title: 'Felles krav til HR-systemer', domain: 'hr' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      title: 'Felles krav til HR-systemer',
      domain: 'hr',
      isPublic: false,
      coordinator: { organisationId: c.oslo.id, name: c.oslo.name },
      participants: [{ organisationId: c.oslo.id, status: 'accepted' }],
      revisions: [{ number: 1, status: 'draft', basedOn: null }],
      access: { isParticipant: true, isCoordinator: true },
    });
  });

  test('When a viewer, a vendor or an administrator without a buyer starts a set, then it is refused with 403', async () => {
    for (const who of [c.osloViewer, c.vendor, c.admin]) {
      const res = await send(who, 'post', '/api/joint-sets', { title: 'Krav uten koordinator' });
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 403, code: 'joint_set.buyer_required' });
    }
  });

  test('When the coordinator invites buyers, then each accepts or declines, and a declined one no longer sees the draft', async () => {
    const created = await send(c.osloEditor, 'post', '/api/joint-sets', { title: 'Felles krav til barnehagesystemer' });
    const id = created.body.id as string;
    await send(c.osloEditor, 'put', `/api/joint-sets/${id}/participants/${c.bergen.id}`).expect(204);
    await send(c.osloEditor, 'put', `/api/joint-sets/${id}/participants/${c.trondheim.id}`).expect(204);
    expect((await c.bergenEditor.agent.get(`/api/joint-sets/${id}`)).body.participants.find((p: { organisationId: string }) => p.organisationId === c.bergen.id).status).toBe('invited');
    await send(c.bergenEditor, 'post', `/api/joint-sets/${id}/invitation`, { response: 'accept' }).expect(204);
    await send(c.trondheimOwner, 'post', `/api/joint-sets/${id}/invitation`, { response: 'decline' }).expect(204);
    const again = await send(c.bergenEditor, 'post', `/api/joint-sets/${id}/invitation`, { response: 'decline' });
    expect({ status: again.status, code: again.body.code }).toEqual({ status: 409, code: 'joint_set.invitation_not_pending' });
    const view = await c.osloViewer.agent.get(`/api/joint-sets/${id}`);
    expect(view.body.participants.map((p: { organisationId: string; status: string }) => [p.organisationId, p.status]).sort()).toEqual(
      [
        [c.oslo.id, 'accepted'],
        [c.bergen.id, 'accepted'],
        [c.trondheim.id, 'declined'],
      ].sort(),
    );
    expect((await c.trondheimOwner.agent.get(`/api/joint-sets/${id}`)).status).toBe(404);
  });

  test('When someone other than the coordinator invites, or the coordinator invites a vendor or itself, then it is refused', async () => {
    const { id } = await draftSet(c);
    expect((await send(c.bergenEditor, 'put', `/api/joint-sets/${id}/participants/${c.tromso.id}`)).body.code).toBe('joint_set.coordinator_required');
    expect((await send(c.osloViewer, 'put', `/api/joint-sets/${id}/participants/${c.tromso.id}`)).body.code).toBe('joint_set.coordinator_required');
    expect((await send(c.outsider, 'put', `/api/joint-sets/${id}/participants/${c.tromso.id}`)).status).toBe(404);
    const vendorOrg = await buildOrganisation(ctx.services, { kind: 'vendor', name: 'Inviterbar Leverandør AS' });
    expect((await send(c.osloEditor, 'put', `/api/joint-sets/${id}/participants/${vendorOrg.id}`)).body.code).toBe('joint_set.participant_invalid');
    expect((await send(c.osloEditor, 'put', `/api/joint-sets/${id}/participants/${c.oslo.id}`)).body.code).toBe('joint_set.participant_invalid');
  });
});

describe('the revision lifecycle', () => {
  test('When items are added to the draft, then each is pinned to its published version in a section named after its category, with the library\'s type and weight', async () => {
    const { id } = await draftSet(c);
    const again = await send(c.osloEditor, 'post', `/api/joint-sets/${id}/revisions/1/items`, { keys: ['EXP-001'] });
    expect(again.body).toEqual({ added: [], skipped: ['EXP-001'] });
    const res = await c.bergenEditor.agent.get(`/api/joint-sets/${id}/revisions/1`);
    expect(res.status).toBe(200);
    expect(res.body.sections.map((s: { title: string }) => s.title)).toEqual(['Eksport', 'API', 'Dokumentasjon og datamodell', 'Avslutning og overgang']);
    expect(res.body.sections[1].items[0]).toMatchObject({ key: 'API-003', libraryVersion: '1.1.0', type: 'V', weight: 10, kind: 'requirement' });
    expect(res.body.sections[3].items[0]).toMatchObject({ key: 'EXIT-009', kind: 'clause', weight: 0 });
  });

  test('When a participant that is not the coordinator, or a viewer of the coordinator, edits the draft, then it is refused with 403 and nothing changes', async () => {
    const { id } = await draftSet(c);
    const [item] = await itemsOf(c.osloEditor, id, 1);
    for (const who of [c.bergenEditor, c.bergenOwner, c.osloViewer]) {
      for (const res of [
        await send(who, 'post', `/api/joint-sets/${id}/revisions/1/items`, { keys: ['EXP-002'] }),
        await send(who, 'put', `/api/joint-sets/${id}/revisions/1/items/${item?.id}`, { weight: 50 }),
        await send(who, 'delete', `/api/joint-sets/${id}/revisions/1/items/${item?.id}`),
        await send(who, 'post', `/api/joint-sets/${id}/revisions/1/transition`, { to: 'consultation' }),
      ]) {
        expect({ status: res.status, code: res.body.code }).toEqual({ status: 403, code: 'joint_set.coordinator_required' });
      }
    }
    expect((await itemsOf(c.osloEditor, id, 1)).map((i) => i.key).sort()).toEqual([...SET_KEYS].sort());
  });

  test('When the draft goes to consultation, then its content is frozen until it is reopened, and participants comment per item', async () => {
    const { id } = await draftSet(c);
    const comment = async (itemId: string) => send(c.bergenEditor, 'post', `/api/joint-sets/${id}/revisions/1/comments`, { itemId, position: 'change', text: 'Vi foreslår 48 timer, fordi vi har store datamengder.' });
    const [item] = await itemsOf(c.osloEditor, id, 1);
    const early = await comment(item?.id as string);
    expect({ status: early.status, code: early.body.code }).toEqual({ status: 409, code: 'joint_set.wrong_state' });

    await send(c.osloEditor, 'post', `/api/joint-sets/${id}/revisions/1/transition`, { to: 'consultation' }).expect(200);
    const edit = await send(c.osloEditor, 'put', `/api/joint-sets/${id}/revisions/1/items/${item?.id}`, { parameterValues: { exportHours: 48 } });
    expect({ status: edit.status, code: edit.body.code }).toEqual({ status: 409, code: 'joint_set.wrong_state' });
    expect((await comment(item?.id as string)).status).toBe(201);
    const viewerComment = await send(c.osloViewer, 'post', `/api/joint-sets/${id}/revisions/1/comments`, { itemId: item?.id, position: 'agree', text: 'Enig.' });
    expect(viewerComment.body.code).toBe('joint_set.participant_required');

    await send(c.osloEditor, 'post', `/api/joint-sets/${id}/revisions/1/transition`, { to: 'draft' }).expect(200);
    await send(c.osloEditor, 'put', `/api/joint-sets/${id}/revisions/1/items/${item?.id}`, { parameterValues: { exportHours: 48 } }).expect(204);
    const revision = await c.bergenEditor.agent.get(`/api/joint-sets/${id}/revisions/1`);
    expect(revision.body.comments).toEqual([expect.objectContaining({ key: 'EXP-001', organisationId: c.bergen.id, author: 'Berit Bergen', position: 'change', resolution: null })]);
    expect(revision.body.sections[0].items[0].parameterValues).toEqual({ exportHours: 48 });
  });

  test('When the coordinator adopts with unanswered comments, then it is refused; once each is resolved the revision is adopted and frozen', async () => {
    const { id } = await draftSet(c);
    const [item] = await itemsOf(c.osloEditor, id, 1);
    await send(c.osloEditor, 'post', `/api/joint-sets/${id}/revisions/1/transition`, { to: 'consultation' }).expect(200);
    const posted = await send(c.bergenEditor, 'post', `/api/joint-sets/${id}/revisions/1/comments`, { itemId: item?.id, position: 'object', text: 'Kravet er for strengt for små leverandører.' });
    const refused = await send(c.osloEditor, 'post', `/api/joint-sets/${id}/revisions/1/transition`, { to: 'adopted' });
    expect({ status: refused.status, code: refused.body.code, unresolved: refused.body.unresolved }).toEqual({ status: 409, code: 'joint_set.unresolved_comments', unresolved: 1 });
    const notCoordinator = await send(c.bergenEditor, 'put', `/api/joint-sets/${id}/revisions/1/comments/${posted.body.id}/resolution`, { resolution: 'rejected', response: 'Nei.' });
    expect(notCoordinator.body.code).toBe('joint_set.coordinator_required');
    await send(c.osloEditor, 'put', `/api/joint-sets/${id}/revisions/1/comments/${posted.body.id}/resolution`, { resolution: 'rejected', response: 'Kravet er nødvendig for å sikre eksport.' }).expect(204);
    const adopted = await send(c.osloEditor, 'post', `/api/joint-sets/${id}/revisions/1/transition`, { to: 'adopted' });
    expect(adopted.status).toBe(200);
    expect(adopted.body).toMatchObject({ status: 'adopted', comments: [{ resolution: 'rejected', response: 'Kravet er nødvendig for å sikre eksport.' }] });
    expect(adopted.body.adoptedAt).toEqual(expect.any(String));
    for (const res of [
      await send(c.osloEditor, 'post', `/api/joint-sets/${id}/revisions/1/items`, { keys: ['EXP-002'] }),
      await send(c.osloEditor, 'delete', `/api/joint-sets/${id}/revisions/1/items/${item?.id}`),
      await send(c.osloEditor, 'post', `/api/joint-sets/${id}/revisions/1/transition`, { to: 'draft' }),
      await send(c.bergenEditor, 'post', `/api/joint-sets/${id}/revisions/1/comments`, { itemId: item?.id, position: 'agree', text: 'For sent.' }),
    ]) {
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 409, code: 'joint_set.wrong_state' });
    }
  });

  test('When an empty draft goes to consultation, then it is refused with 422', async () => {
    const created = await send(c.osloEditor, 'post', '/api/joint-sets', { title: 'Tomt kravsett' });
    const res = await send(c.osloEditor, 'post', `/api/joint-sets/${created.body.id}/revisions/1/transition`, { to: 'consultation' });
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 422, code: 'joint_set.empty_revision' });
  });

  test('When a new revision is started, then it copies the adopted one as a draft; a second open revision is refused; adopting it supersedes the old one', async () => {
    const { id } = await adoptedSet(c);
    await send(c.bergenEditor, 'put', `/api/joint-sets/${id}/revisions/1/deviations/EXP-001`, { kind: 'change', parameterValues: { exportHours: 72 }, justification: 'Vi har store arkiv som tar lengre tid å eksportere.' }).expect(200);
    const created = await send(c.osloEditor, 'post', `/api/joint-sets/${id}/revisions`, { changeNote: 'Årlig oppdatering.' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ number: 2, status: 'draft', basedOn: 1, changeNote: 'Årlig oppdatering.' });
    expect((await itemsOf(c.osloEditor, id, 2)).map((i) => i.key).sort()).toEqual([...SET_KEYS].sort());
    expect(created.body.deviations).toEqual([expect.objectContaining({ key: 'EXP-001', organisationId: c.bergen.id, parameterValues: { exportHours: 72 } })]);
    const second = await send(c.osloEditor, 'post', `/api/joint-sets/${id}/revisions`, {});
    expect({ status: second.status, code: second.body.code }).toEqual({ status: 409, code: 'joint_set.open_revision_exists' });

    await send(c.osloEditor, 'post', `/api/joint-sets/${id}/revisions/2/transition`, { to: 'consultation' }).expect(200);
    await send(c.osloEditor, 'post', `/api/joint-sets/${id}/revisions/2/transition`, { to: 'adopted' }).expect(200);
    const set = await c.osloViewer.agent.get(`/api/joint-sets/${id}`);
    expect(set.body.revisions.map((r: { number: number; status: string }) => [r.number, r.status])).toEqual([
      [2, 'adopted'],
      [1, 'superseded'],
    ]);
  });
});

describe('sign-off', () => {
  test('When owners sign off or decline the adopted revision, then the coordination shows who signed, who declined and who is pending', async () => {
    const { id } = await adoptedSet(c);
    const notOwner = await send(c.bergenEditor, 'post', `/api/joint-sets/${id}/revisions/1/signoffs`, { decision: 'signed' });
    expect({ status: notOwner.status, code: notOwner.body.code }).toEqual({ status: 403, code: 'joint_set.owner_required' });
    let coordination = await c.bergenEditor.agent.get(`/api/joint-sets/${id}/revisions/1/coordination`);
    expect(coordination.body).toMatchObject({ signed: [], declined: [], pending: expect.arrayContaining([{ organisationId: c.oslo.id, name: c.oslo.name }, { organisationId: c.bergen.id, name: c.bergen.name }]) });
    expect(coordination.body.pending).toHaveLength(2);

    await send(c.bergenOwner, 'post', `/api/joint-sets/${id}/revisions/1/signoffs`, { decision: 'signed', note: 'Vedtatt i bystyret 12. mars.' }).expect(204);
    await send(c.osloOwner, 'post', `/api/joint-sets/${id}/revisions/1/signoffs`, { decision: 'declined', note: 'Må behandles politisk først.' }).expect(204);
    coordination = await c.osloViewer.agent.get(`/api/joint-sets/${id}/revisions/1/coordination`);
    expect(coordination.body).toMatchObject({
      revision: 1,
      status: 'adopted',
      signed: [{ organisationId: c.bergen.id, name: c.bergen.name, decision: 'signed', note: 'Vedtatt i bystyret 12. mars.', by: 'Bjørn Bergen', at: expect.any(String) }],
      declined: [{ organisationId: c.oslo.id, decision: 'declined', by: 'Ola Oslo' }],
      pending: [],
    });

    await send(c.osloOwner, 'post', `/api/joint-sets/${id}/revisions/1/signoffs`, { decision: 'signed' }).expect(204);
    const twice = await send(c.bergenOwner, 'post', `/api/joint-sets/${id}/revisions/1/signoffs`, { decision: 'declined' });
    expect({ status: twice.status, code: twice.body.code }).toEqual({ status: 409, code: 'joint_set.already_signed' });
    coordination = await c.osloViewer.agent.get(`/api/joint-sets/${id}/revisions/1/coordination`);
    expect(coordination.body.signed.map((s: { organisationId: string }) => s.organisationId).sort()).toEqual([c.oslo.id, c.bergen.id].sort());
    expect(coordination.body.declined).toEqual([]);
  });

  test('When a revision is not adopted, or the organisation only was invited, then signing is refused', async () => {
    const { id } = await draftSet(c);
    const draft = await send(c.bergenOwner, 'post', `/api/joint-sets/${id}/revisions/1/signoffs`, { decision: 'signed' });
    expect({ status: draft.status, code: draft.body.code }).toEqual({ status: 409, code: 'joint_set.wrong_state' });
    const invitedOnly = await send(c.trondheimOwner, 'post', `/api/joint-sets/${id}/revisions/1/signoffs`, { decision: 'signed' });
    expect({ status: invitedOnly.status, code: invitedOnly.body.code }).toEqual({ status: 403, code: 'joint_set.owner_required' });
  });
});

describe('local deviations', () => {
  test('When a participant declares deviations with a justification, then the deviations report shows them by organisation to every participant', async () => {
    const { id } = await adoptedSet(c);
    await send(c.bergenEditor, 'put', `/api/joint-sets/${id}/revisions/1/deviations/API-003`, { kind: 'exclude', justification: 'Vi har ikke integrasjonsplattform ennå.' }).expect(200);
    await send(c.bergenEditor, 'put', `/api/joint-sets/${id}/revisions/1/deviations/DOC-002`, { kind: 'change', type: 'AV', weight: 20, justification: 'Dokumentasjon er avgjørende for arkitekturrådet vårt.' }).expect(200);
    await send(c.osloEditor, 'put', `/api/joint-sets/${id}/revisions/1/deviations/EXP-001`, { kind: 'change', parameterValues: { exportHours: 48 }, justification: 'Oslo har de største datamengdene.' }).expect(200);
    const report = await c.bergenEditor.agent.get(`/api/joint-sets/${id}/revisions/1/deviations`);
    expect(report.status).toBe(200);
    const byOrg = report.body.items.map((d: { organisationId: string; key: string; kind: string }) => [d.organisationId === c.oslo.id ? 'oslo' : 'bergen', d.key, d.kind]);
    expect(byOrg.sort()).toEqual(
      [
        ['bergen', 'API-003', 'exclude'],
        ['bergen', 'DOC-002', 'change'],
        ['oslo', 'EXP-001', 'change'],
      ].sort(),
    );
    expect(report.body.items.find((d: { key: string }) => d.key === 'DOC-002')).toMatchObject({ type: 'AV', weight: 20, justification: 'Dokumentasjon er avgjørende for arkitekturrådet vårt.' });

    await send(c.bergenEditor, 'delete', `/api/joint-sets/${id}/revisions/1/deviations/API-003`).expect(204);
    const after = await c.osloViewer.agent.get(`/api/joint-sets/${id}/revisions/1/deviations`);
    expect(after.body.items.map((d: { key: string }) => d.key).sort()).toEqual(['DOC-002', 'EXP-001']);
  });

  test('When a deviation lacks a justification, names an unknown parameter or a value out of range, or says nothing, then it is refused with a clear 4xx', async () => {
    const { id } = await adoptedSet(c);
    const url = `/api/joint-sets/${id}/revisions/1/deviations/EXP-001`;
    const cases = [
      [{ kind: 'exclude' }, 400, 'validation.failed'],
      [{ kind: 'exclude', justification: 'Kort.' }, 400, 'validation.failed'],
      [{ kind: 'change', parameterValues: { exportHours: 10_000 }, justification: 'Vi trenger mye lengre tid.' }, 400, 'joint_set.invalid_parameter_values'],
      [{ kind: 'change', parameterValues: { unknownThing: 1 }, justification: 'Vi trenger mye lengre tid.' }, 400, 'joint_set.invalid_parameter_values'],
      [{ kind: 'change', justification: 'Vi vil noe annet, men sier ikke hva.' }, 422, 'joint_set.deviation_invalid'],
      [{ kind: 'exclude', weight: 5, justification: 'Vi tar ut kravet helt og holdent.' }, 422, 'joint_set.deviation_invalid'],
    ] as const;
    for (const [body, status, code] of cases) {
      const res = await send(c.bergenEditor, 'put', url, body);
      expect({ body, status: res.status, code: res.body.code }).toEqual({ body, status, code });
    }
    const unknownItem = await send(c.bergenEditor, 'put', `/api/joint-sets/${id}/revisions/1/deviations/EXP-999`, { kind: 'exclude', justification: 'Vi tar ut kravet helt og holdent.' });
    expect(unknownItem.status).toBe(404);
    expect((await c.bergenEditor.agent.get(`/api/joint-sets/${id}/revisions/1/deviations`)).body.items).toEqual([]);
  });

  test('When someone who does not take part declares a deviation, or the revision is a draft, then it is refused', async () => {
    const { id } = await draftSet(c);
    const body = { kind: 'exclude', justification: 'Vi tar ut kravet helt og holdent.' };
    const draft = await send(c.bergenEditor, 'put', `/api/joint-sets/${id}/revisions/1/deviations/EXP-001`, body);
    expect({ status: draft.status, code: draft.body.code }).toEqual({ status: 409, code: 'joint_set.wrong_state' });
    const invited = await send(c.trondheimOwner, 'put', `/api/joint-sets/${id}/revisions/1/deviations/EXP-001`, body);
    expect({ status: invited.status, code: invited.body.code }).toEqual({ status: 403, code: 'joint_set.participant_required' });
    expect((await send(c.outsider, 'put', `/api/joint-sets/${id}/revisions/1/deviations/EXP-001`, body)).status).toBe(404);
  });
});

describe('who sees what', () => {
  test('When a set is private, then buyers outside it, vendors and anonymous visitors get 404 or 401 for every part of it', async () => {
    const { id } = await adoptedSet(c);
    for (const path of [`/api/joint-sets/${id}`, `/api/joint-sets/${id}/revisions/1`, `/api/joint-sets/${id}/revisions/1/coordination`, `/api/joint-sets/${id}/revisions/1/deviations`, `/api/joint-sets/${id}/diff?from=1&to=1`]) {
      for (const who of [c.outsider, c.vendor]) expect({ path, status: (await who.agent.get(path)).status }).toEqual({ path, status: 404 });
      expect((await ctx.request().get(path)).status).toBe(401);
    }
    const list = await c.outsider.agent.get('/api/joint-sets');
    expect(list.body.items.map((s: { id: string }) => s.id)).not.toContain(id);
  });

  test('When a set is public, then every buyer reads its adopted revisions and sign-offs, but not drafts, comments or deviations; vendors still get 404', async () => {
    const { id } = await adoptedSet(c, { isPublic: true });
    await send(c.bergenEditor, 'put', `/api/joint-sets/${id}/revisions/1/deviations/API-003`, { kind: 'exclude', justification: 'Vi har ikke integrasjonsplattform ennå.' }).expect(200);
    await send(c.osloEditor, 'post', `/api/joint-sets/${id}/revisions`, {}).expect(201);

    const set = await c.outsider.agent.get(`/api/joint-sets/${id}`);
    expect(set.status).toBe(200);
    expect(set.body.revisions.map((r: { number: number }) => r.number)).toEqual([1]);
    expect(set.body.access).toEqual({ isParticipant: false, isCoordinator: false });
    expect(set.body.participants.every((p: { status: string }) => p.status === 'accepted')).toBe(true);
    const revision = await c.outsider.agent.get(`/api/joint-sets/${id}/revisions/1`);
    expect(revision.status).toBe(200);
    expect(revision.body).toMatchObject({ status: 'adopted', comments: null, deviations: null });
    expect(JSON.stringify(revision.body)).not.toContain('integrasjonsplattform');
    expect((await c.outsider.agent.get(`/api/joint-sets/${id}/revisions/2`)).status).toBe(404);
    expect((await c.outsider.agent.get(`/api/joint-sets/${id}/revisions/1/deviations`)).status).toBe(404);
    expect((await c.outsider.agent.get('/api/joint-sets')).body.items.map((s: { id: string }) => s.id)).toContain(id);
    expect((await c.vendor.agent.get(`/api/joint-sets/${id}`)).status).toBe(404);
    const comment = await send(c.outsider, 'put', `/api/joint-sets/${id}/revisions/1/deviations/API-003`, { kind: 'exclude', justification: 'Vi vil også ta det ut.' });
    expect(comment.body.code).toBe('joint_set.participant_required');
  });

  test('When changes are made, then each is in the audit log of the organisation that made it, with before and after', async () => {
    const { id } = await adoptedSet(c);
    await send(c.bergenOwner, 'post', `/api/joint-sets/${id}/revisions/1/signoffs`, { decision: 'signed' }).expect(204);
    await send(c.bergenEditor, 'put', `/api/joint-sets/${id}/revisions/1/deviations/API-003`, { kind: 'exclude', justification: 'Vi har ikke integrasjonsplattform ennå.' }).expect(200);
    const oslo = await c.osloOwner.agent.get('/api/audit').query({ organisationId: c.oslo.id, pageSize: 200 });
    const osloActions = oslo.body.items.filter((e: { after: { jointSetId?: string } }) => e.after?.jointSetId === id).map((e: { action: string }) => e.action);
    expect(osloActions).toEqual(expect.arrayContaining(['joint_set.created', 'joint_set.participant_invited', 'joint_set.items_added', 'joint_set.revision_consultation', 'joint_set.revision_adopted']));
    const bergen = await c.bergenOwner.agent.get('/api/audit').query({ organisationId: c.bergen.id, pageSize: 200 });
    const bergenEntries = bergen.body.items.filter((e: { after: { jointSetId?: string } }) => e.after?.jointSetId === id);
    expect(bergenEntries.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['joint_set.invitation_accepted', 'joint_set.revision_signed', 'joint_set.deviation_declared']));
    expect(bergenEntries.find((e: { action: string }) => e.action === 'joint_set.revision_signed').after).toMatchObject({ revision: 1, decision: 'signed', by: c.bergenOwner.user.email });
  });
});

describe('the API description', () => {
  test('When the OpenAPI document is read, then every joint-set API route is in it under /api/joint-sets', async () => {
    const res = await ctx.request().get('/api/openapi.json');
    expect(res.status).toBe(200);
    const paths = Object.keys(res.body.paths as Record<string, unknown>).filter((p) => p.startsWith('/api/joint-sets'));
    expect(paths).toEqual(expect.arrayContaining(['/api/joint-sets', '/api/joint-sets/import', '/api/joint-sets/{setId}', '/api/joint-sets/{setId}/diff', '/api/joint-sets/{setId}/revisions/{number}/deviations/{key}', '/api/joint-sets/{setId}/revisions/{number}/package']));
    const operations = paths.flatMap((p) => Object.keys(res.body.paths[p] as object));
    expect(operations).toHaveLength(29);
  });
});
