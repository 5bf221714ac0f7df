import { count, like } from 'drizzle-orm';
import { auditLog } from '../../server/audit/audit.table';
import { answerMessages, answers, assessmentProfiles, verifications } from '../../server/assessments/assessments.table';
import { CONFIRMED_GAP, CONFIRMED_NOT_APPLICABLE, DEMO_ASSESSMENT_TEXTS, demoAssessmentTexts } from '../../server/demo/demo.assessment-texts';
import { DEMO_PASSWORD, seedDemo } from '../../server/demo/demo.seed';
import { createTestApp, type TestContext } from '../helpers/app';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestApp({}, { seed: 'demo' });
});
afterAll(() => ctx.close());

async function counts() {
  const { db } = ctx.services.database;
  const [a, v, m, p] = await Promise.all([answers, verifications, answerMessages, assessmentProfiles].map((table) => db.select({ n: count() }).from(table)));
  return [a, v, m, p].map((rows) => Number(rows?.[0]?.n));
}

describe('demo assessments', () => {
  test('When the demo is seeded, then the council sees a filled matrix with answers in every state', async () => {
    const agent = ctx.request();
    const login = await agent.post('/api/session').send({ email: 'radsmedlem@eksempelby.example', password: DEMO_PASSWORD });
    expect(login.status).toBe(201);
    const baseline = (await agent.get('/api/profiles')).body.items.find((p: { slug: string }) => p.slug === 'baseline');
    const matrix = await agent.get('/api/assessments/comparison').query({ profileId: baseline.id, pageSize: 200 });
    expect(matrix.status).toBe(200);
    const cells = matrix.body.products.flatMap((p: { cells: { status: string | null; verification: string | null; lapsed: boolean }[] }) => p.cells) as { status: string | null; verification: string | null; lapsed: boolean }[];
    expect(new Set(cells.map((c) => c.status))).toEqual(new Set(['meets', 'partly', 'does_not_meet', 'not_applicable', null]));
    expect(new Set(cells.map((c) => c.verification))).toEqual(new Set(['verified', 'unverified', 'expired', 'rejected', 'change_requested', 'changed', null]));
    expect(cells.some((c) => c.lapsed)).toBe(true);
    expect(matrix.body.products.some((p: { score: { claimed: { disqualified: boolean } } }) => p.score.claimed.disqualified)).toBe(true);
    expect(matrix.body.products.some((p: { cells: { status: string | null }[] }) => p.cells.every((c) => c.status === null))).toBe(true);
    const profiles = (await agent.get('/api/profiles')).body.items.map((p: { name: string }) => p.name);
    expect(profiles).toContain('Skolesystem (demo)');
    const page = await agent.get('/assessments/compare').query({ profileId: baseline.id });
    expect(page.status).toBe(200);
    expect(page.text).toContain('Elevportalen');
  });

  test('When the demo vendor logs in, then it sees its feedback with the reply thread and no internal notes', async () => {
    const agent = ctx.request();
    await agent.post('/api/session').send({ email: 'leverandor@fiktiv.example', password: DEMO_PASSWORD }).expect(201);
    const feedback = await agent.get('/api/assessments/feedback');
    expect(feedback.body.items.length).toBeGreaterThan(0);
    const rejected = feedback.body.items.find((i: { reason: string }) => i.reason === 'rejected');
    const detail = await agent.get(`/api/assessments/answers/${rejected.answerId}`);
    expect(detail.body.messages.length).toBe(2);
    // The council's note and the thread are about the requirement they sit on; the internal note stays inside the council.
    const texts = demoAssessmentTexts(detail.body.key);
    expect(detail.body.verifications[0].noteForVendor).toBe(texts.rejected);
    expect(detail.body.messages.map((m: { body: string }) => m.body)).toEqual([texts.vendorReply, texts.reviewerReply]);
    expect(detail.text).not.toContain(texts.internal);
    expect((await agent.get('/assessments')).text).toContain('Tilbakemeldinger til dere');
  });

  test('When the council reads the demo answers, then each explanation and each note for the vendor is written for its own requirement', async () => {
    const agent = ctx.request();
    await agent.post('/api/session').send({ email: 'radsmedlem@eksempelby.example', password: DEMO_PASSWORD }).expect(201);
    const baseline = (await agent.get('/api/profiles')).body.items.find((p: { slug: string }) => p.slug === 'baseline');
    const matrix = await agent.get('/api/assessments/comparison').query({ profileId: baseline.id, pageSize: 200 });
    const answerIds = matrix.body.products.flatMap((p: { cells: { answerId: string | null }[] }) => p.cells.map((c) => c.answerId)).filter(Boolean) as string[];
    expect(answerIds.length).toBeGreaterThan(20);
    for (const id of answerIds) {
      const detail = (await agent.get(`/api/assessments/answers/${id}`)).body;
      const texts = DEMO_ASSESSMENT_TEXTS[detail.key];
      expect({ key: detail.key, known: texts !== undefined }).toEqual({ key: detail.key, known: true });
      if (!texts) continue;
      const own = Object.values(texts.answer);
      expect({ key: detail.key, fits: own.some((text) => detail.explanation.startsWith(text)) }).toEqual({ key: detail.key, fits: true });
      const notes = [texts.accepted, texts.rejected, texts.changeRequest, CONFIRMED_GAP, CONFIRMED_NOT_APPLICABLE];
      for (const v of detail.verifications as { noteForVendor: string }[]) expect({ key: detail.key, note: notes.includes(v.noteForVendor) }).toEqual({ key: detail.key, note: true });
    }
  }, 180_000);

  test('When the demo is seeded, then every answer, review and reply has its audit entry, by the user who made it', async () => {
    const { db } = ctx.services.database;
    const entries = await db.select({ action: auditLog.action, actor: auditLog.actorEmail, n: count() }).from(auditLog).where(like(auditLog.action, 'answer.%')).groupBy(auditLog.action, auditLog.actorEmail);
    const [answerRows, verificationRows, messageRows] = await counts();
    const sum = (action: string, actors?: string[]) => entries.filter((e) => e.action === action && (!actors || actors.includes(e.actor ?? ''))).reduce((n, e) => n + Number(e.n), 0);
    const vendors = ['leverandor@fiktiv.example', 'leverandor@tenkt.example'];
    expect(sum('answer.created', vendors) + sum('answer.revised', vendors)).toBe(answerRows);
    expect(sum('answer.revised', vendors)).toBeGreaterThan(0);
    expect(sum('answer.verified', ['radsmedlem@eksempelby.example'])).toBe(verificationRows);
    expect(sum('answer.message_posted')).toBe(messageRows);
    expect(sum('answer.message_posted', vendors)).toBe(sum('answer.message_posted', ['radsmedlem@eksempelby.example']));
  });

  test('When the demo is seeded again, then nothing is added', async () => {
    const before = await counts();
    await seedDemo(ctx.services);
    expect(await counts()).toEqual(before);
  });
});
