import type { Services } from '../services';
import { demoActor } from './demo.actors';

const COORDINATOR = { owner: 'eier@eksempelby.example', editor: 'innkjoper@eksempelby.example', organisation: 'Eksempelby kommune (demo)' };
const PARTICIPANT = { owner: 'koordinator@provestad.example', organisation: 'Prøvestad kommune (demo)' };
const TITLE = 'Felles krav til tilgang til skoledata (demo)';
const FIRST_KEYS = ['EXP-001', 'EXP-002', 'API-001', 'API-003', 'DOC-001', 'EXIT-001', 'EXIT-009', 'PRI-001', 'OWN-001'];
const SECOND_KEYS = ['EXP-003', 'EXIT-010'];

/**
 * A demo joint set coordinated by Eksempelby with Prøvestad: revision 1 consulted (a comment
 * answered), adopted and signed by both, with a local deviation by Prøvestad; revision 2 in
 * consultation with an open comment. Does nothing when the set exists, so it can run on every start.
 */
export async function seedDemoJointSets(services: Services): Promise<void> {
  const [editor, owner, participant] = await Promise.all([
    demoActor(services, COORDINATOR.editor, COORDINATOR.organisation),
    demoActor(services, COORDINATOR.owner, COORDINATOR.organisation),
    demoActor(services, PARTICIPANT.owner, PARTICIPANT.organisation),
  ]);
  if (!editor || !owner || !participant) return;
  const sets = services.jointSets;
  if ((await sets.list(editor.actor)).some((s) => s.title === TITLE)) return;
  // Without the library (a demo seeded before the first sync) there is nothing to coordinate yet.
  const published = new Set((await services.repositories.library.latestReleasedOfKeys(services.database.db, [...FIRST_KEYS, ...SECOND_KEYS])).filter((r) => r.status === 'published').map((r) => r.key));
  const firstKeys = FIRST_KEYS.filter((k) => published.has(k));
  const secondKeys = SECOND_KEYS.filter((k) => published.has(k));
  if (firstKeys.length === 0) return;

  const set = await sets.create(
    editor.actor,
    { title: TITLE, description: 'Fiktivt felles kravsett for eksport, API og avslutning i skolesystemer, laget som eksempel.', domain: 'school', isPublic: true },
    editor.context,
  );
  await sets.invite(editor.actor, set.id, participant.actor.activeOrganisationId as string, set.version, editor.context);
  // Every change below presents the version it is based on, read just before, as a user's would.
  const revisionVersion = async (number: number) => (await sets.revision(editor.actor, set.id, number)).revision.version;
  await sets.respond(participant.actor, set.id, { response: 'accept' }, participant.context);
  const { added } = await sets.addItems(editor.actor, set.id, 1, firstKeys, editor.context);

  await sets.transition(editor.actor, set.id, 1, 'consultation', await revisionVersion(1), editor.context);
  const firstItem = (await sets.revision(editor.actor, set.id, 1)).sections.flatMap((s) => s.items).find((i) => i.libraryKey === 'EXP-001');
  if (firstItem) {
    const comment = await sets.comment(participant.actor, set.id, 1, { itemId: firstItem.id, position: 'change', text: 'Vi ønsker kortere frist for uttrekk ved avslutning av avtalen.' }, participant.context);
    await sets.resolveComment(editor.actor, set.id, 1, comment.id, { resolution: 'noted', response: 'Fristen beholdes i denne revisjonen; hver kommune kan avvike lokalt.', version: comment.version }, editor.context);
  }
  await sets.transition(editor.actor, set.id, 1, 'adopted', await revisionVersion(1), editor.context);
  await sets.signoff(owner.actor, set.id, 1, { decision: 'signed', note: 'Vedtatt i innkjøpsrådet.' }, owner.context);
  await sets.signoff(participant.actor, set.id, 1, { decision: 'signed' }, participant.context);
  if (added.includes('PRI-001')) {
    await sets.declareDeviation(participant.actor, set.id, 1, 'PRI-001', { kind: 'exclude', justification: 'Prisvilkårene er allerede regulert i vår rammeavtale for skolesystemer.', version: 0 }, participant.context);
  }

  await sets.newRevision(editor.actor, set.id, { changeNote: 'Utvidet med krav om arkivuttrekk og overgangsbistand.' }, editor.context);
  if (secondKeys.length > 0) await sets.addItems(editor.actor, set.id, 2, secondKeys, editor.context);
  await sets.transition(editor.actor, set.id, 2, 'consultation', await revisionVersion(2), editor.context);
  const newItem = (await sets.revision(editor.actor, set.id, 2)).sections.flatMap((s) => s.items).find((i) => secondKeys.includes(i.libraryKey));
  if (newItem) {
    await sets.comment(participant.actor, set.id, 2, { itemId: newItem.id, position: 'agree', text: 'Støtter kravet; det samsvarer med vår arkivplan.' }, participant.context);
  }
}
