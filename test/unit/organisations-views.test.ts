import type { MemberView } from '../../server/organisations/organisations.repository';
import type { InvitationRow, OrganisationRow } from '../../server/organisations/organisations.table';
import { invitationPage, invitationUrl, newInvitation, organisationListRows, organisationPage } from '../../server/organisations/organisations.views';

const at = new Date('2026-03-01T08:00:00Z');
const city: OrganisationRow = { id: '00000000-0000-4000-8000-0000000000a1', kind: 'buyer', name: 'Eksempelby kommune', orgNumber: '974760673', website: null, parentId: null, version: 1, createdAt: at, updatedAt: at };
const council: OrganisationRow = { ...city, id: '00000000-0000-4000-8000-0000000000a2', kind: 'council', name: 'Arkitekturrådet', orgNumber: null, parentId: city.id };
const invitation: InvitationRow = {
  id: '00000000-0000-4000-8000-0000000000a3',
  organisationId: city.id,
  email: 'ny@eksempelby.kommune.no',
  role: 'editor',
  tokenHash: 'hash',
  invitedBy: null,
  createdAt: at,
  expiresAt: new Date('2026-03-15T08:00:00Z'),
  acceptedAt: null,
  acceptedBy: null,
  revokedAt: null,
};
const member = (userId: string, name: string): MemberView => ({ userId, email: `${name.toLowerCase()}@eksempelby.kommune.no`, name, role: 'owner', version: 1, since: at });
const membership = (organisationId: string, role: 'owner' | 'viewer') => ({ organisationId, organisationName: '', kind: 'buyer' as const, role, parentId: null });

describe('the organisation pages', () => {
  test('When the organisations are listed, then each shows the viewer\'s own role in it, or none where an administrator is no member', () => {
    const rows = organisationListRows([city, council], { memberships: [membership(city.id, 'viewer')] });
    expect(rows.map((r) => [r.name, r.role])).toEqual([
      ['Eksempelby kommune', 'viewer'],
      ['Arkitekturrådet', null],
    ]);
  });

  test('When an organisation page is shown, then the viewer\'s own row among the members is marked and every role is offered', () => {
    const view = organisationPage({ organisation: city, parent: null, children: [council], canManage: true, members: [member('u1', 'Kari'), member('u2', 'Ola')], invitations: [invitation] }, 'u2');
    expect(view.members.map((m) => [m.name, m.isSelf])).toEqual([
      ['Kari', false],
      ['Ola', true],
    ]);
    expect(view.roles).toEqual(['owner', 'editor', 'assessor', 'viewer']);
    expect(view.children).toEqual([council]);
    expect(view.invitations).toEqual([invitation]);
  });

  test('When an invitation is created, then the page shows its link under the installation\'s address once, with its expiry', () => {
    expect(invitationUrl('https://datakrav.eksempelby.no', 'abc')).toBe('https://datakrav.eksempelby.no/invitations/abc');
    expect(newInvitation(invitation, 'https://datakrav.eksempelby.no', 'tok_1234567890abcdefghij')).toEqual({
      email: 'ny@eksempelby.kommune.no',
      url: 'https://datakrav.eksempelby.no/invitations/tok_1234567890abcdefghij',
      expiresAt: invitation.expiresAt,
    });
  });
});

describe('the invitation page', () => {
  const found = { invitation, organisation: city, accountExists: false };
  const token = 'tok_1234567890abcdefghij';

  test('When a visitor who is not logged in opens the link, then the page stands alone and its login link returns to the invitation', () => {
    const view = invitationPage(found, null, token);
    expect(view).toMatchObject({ signedInAsInvitee: false, signedInAsOther: false, layoutPlain: true, token });
    expect(view.loginUrl).toBe('/login?returnTo=%2Finvitations%2Ftok_1234567890abcdefghij');
  });

  test('When the invitee opens the link logged in, whatever the case of their email, then the page knows it is them', () => {
    expect(invitationPage(found, { email: 'Ny@Eksempelby.Kommune.no' }, token)).toMatchObject({ signedInAsInvitee: true, signedInAsOther: false, layoutPlain: false });
  });

  test('When someone else opens the link logged in, then the page says so', () => {
    expect(invitationPage(found, { email: 'annen@eksempelby.kommune.no' }, token)).toMatchObject({ signedInAsInvitee: false, signedInAsOther: true, layoutPlain: false });
  });
});
