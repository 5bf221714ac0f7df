import { runChecks } from '../../server/checks/engine';
import { checksDeclarationSchema, DECLARABLE_RULE_IDS, RULES } from '../../server/checks/rules.catalogue';
import { createTestApp, type TestContext } from '../helpers/app';

/**
 * Datakrav demands good API descriptions from vendors; its own `/api/openapi.json` goes through
 * the same OpenAPI rules. Every rule passes except those named here, each with why it does not
 * fit Datakrav's API.
 */
const NOT_FITTING: Record<string, string> = {
  'openapi.security':
    'The API is called by people, not by systems on their own: with the session cookie from POST /api/session (and X-CSRF-Token on changes) or a personal API token made on the account page. There is no client-credentials grant to describe, so the rule\'s OAuth 2.0 client credentials, OpenID Connect or mutual TLS cannot be declared truthfully.',
};

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestApp();
});
afterAll(() => ctx.close());

describe("Datakrav's own API description", () => {
  test('When /api/openapi.json is run through every OpenAPI rule of the catalogue, then it passes each rule that fits it, and only the rules named as not fitting fail', async () => {
    const res = await ctx.request().get('/api/openapi.json');
    expect(res.status).toBe(200);
    const rules = DECLARABLE_RULE_IDS.filter((id) => RULES[id].input === 'openapi');
    expect(rules).toEqual(['openapi.parses', 'openapi.response-schemas', 'openapi.read-operations', 'openapi.pagination', 'openapi.bulk-changes', 'openapi.security', 'openapi.versioning', 'openapi.error-schemas']);

    const report = await runChecks({ files: [{ name: 'openapi.json', bytes: Buffer.from(res.text, 'utf8') }], checks: checksDeclarationSchema.parse(rules.map((rule) => ({ rule }))) });
    const outcomes = Object.fromEntries(report.rules.map((r) => [r.rule, r.outcome]));
    const failures = (rule: string) => report.findings.filter((f) => f.rule === rule && f.outcome === 'fail').map((f) => `${f.location?.pointer ?? ''}: ${f.message.en}`);

    expect(report.files[0]?.format).toBe('openapi');
    for (const rule of ['files.readable', ...rules].filter((r) => !(r in NOT_FITTING))) {
      expect({ rule, outcome: outcomes[rule], failures: failures(rule) }).toEqual({ rule, outcome: 'pass', failures: [] });
    }
    expect(Object.keys(outcomes).filter((rule) => outcomes[rule] === 'fail')).toEqual(Object.keys(NOT_FITTING));
    expect(failures('openapi.security')).toEqual([expect.stringContaining('None of the security schemes (bearerToken, sessionCookie) is of an accepted kind')]);
  });

  test('When the lists of the API are read, then each is paged with page and pageSize, and the bulk export is the one list answered whole', async () => {
    const document = (await ctx.request().get('/api/openapi.json')).body as { paths: Record<string, { get?: { parameters?: { name: string; in: string }[] } }> };
    const report = await runChecks({ files: [{ name: 'openapi.json', bytes: Buffer.from(JSON.stringify(document), 'utf8') }], checks: checksDeclarationSchema.parse([{ rule: 'openapi.pagination' }]) });
    const findings = report.findings.filter((f) => f.rule === 'openapi.pagination');
    expect(findings.filter((f) => f.outcome === 'not_applicable').map((f) => f.message.en)).toEqual(['GET /api/library/export is a bulk export and answers the whole set at once.']);
    expect(findings.filter((f) => f.outcome === 'pass').length).toBeGreaterThan(30);
    expect(document.paths['/api/organisations/{orgId}/members']?.get?.parameters?.filter((p) => p.in === 'query').map((p) => p.name)).toEqual(['page', 'pageSize']);
  });
});
