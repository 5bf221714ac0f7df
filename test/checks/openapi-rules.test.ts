import { readFileSync } from 'node:fs';
import path from 'node:path';
import { check, file, findingsOf, fixture, messagesOf, outcome } from './helpers';

const good = () => fixture('good-openapi.yaml');
const poor = () => fixture('poor-openapi.json');

describe('OpenAPI rules', () => {
  test('When the description is valid OpenAPI 3.0 in YAML, then openapi.parses passes and counts the operations', async () => {
    const report = await check([good()], ['openapi.parses']);
    expect(outcome(report, 'openapi.parses')).toBe('pass');
    expect(messagesOf(report, 'openapi.parses')).toEqual(['The description parses and follows OpenAPI 3.0: 4 operations.']);
    expect(report.files).toEqual([{ name: 'good-openapi.yaml', bytes: good().bytes.length, sha256: expect.stringMatching(/^[0-9a-f]{64}$/), format: 'openapi' }]);
  });

  test('When the description breaks its OpenAPI version, then openapi.parses fails with the validator\'s reason', async () => {
    const broken = file('api.json', JSON.stringify({ openapi: '3.1.0', info: { title: 'Uten versjon' }, paths: { '/a': { get: { responses: { '200': {} } } } } }));
    const report = await check([broken], ['openapi.parses', 'openapi.response-schemas']);
    expect(outcome(report, 'openapi.parses')).toBe('fail');
    expect(messagesOf(report, 'openapi.parses', 'fail')).toEqual(["Does not follow OpenAPI 3.1: REQUIRED must have required property 'version'", "Does not follow OpenAPI 3.1: REQUIRED must have required property 'description'"]);
    expect(findingsOf(report, 'openapi.parses', 'fail')[0]?.message.nb).toBe("Følger ikke OpenAPI 3.1: REQUIRED must have required property 'version'");
  });

  test('When a Swagger 2.0 description is given, then it is read and checked like the others', async () => {
    const swagger = file('swagger.json', JSON.stringify({ swagger: '2.0', info: { title: 'Gammel', version: '1.0' }, paths: { '/elever': { get: { responses: { '200': { description: 'ok', schema: { type: 'array', items: { $ref: '#/definitions/Elev' } } }, '404': { description: 'nei', schema: { $ref: '#/definitions/Feil' } } } } } }, definitions: { Elev: { type: 'object', properties: { id: { type: 'string' } } }, Feil: { type: 'object', properties: { melding: { type: 'string' } } } } }));
    const report = await check([swagger], ['openapi.parses', 'openapi.read-operations', 'openapi.error-schemas']);
    expect(messagesOf(report, 'openapi.parses')).toEqual(['The description parses and follows Swagger 2.0: 1 operations.']);
    expect(messagesOf(report, 'openapi.read-operations')).toEqual(['Elev is read with GET /elever.']);
    expect(outcome(report, 'openapi.error-schemas')).toBe('pass');
  });

  test('When the version is not one the checks read, then openapi.parses fails saying so and the other rules cannot pass', async () => {
    const report = await check([file('api.yaml', 'openapi: 3.2.0\ninfo: { title: x, version: "1" }\npaths: {}\n')], ['openapi.parses', 'openapi.security']);
    expect(messagesOf(report, 'openapi.parses')).toEqual(['Version "3.2.0" is not supported; the checks read OpenAPI 2.0 (Swagger), 3.0 and 3.1.']);
    expect(messagesOf(report, 'openapi.security')).toEqual(['Cannot be checked: the API description api.yaml cannot be read (see openapi.parses).']);
  });

  test('When no API description is among the files, then the OpenAPI rules are not applicable', async () => {
    const report = await check([fixture('elever.csv')], ['openapi.parses', 'openapi.pagination']);
    expect(outcome(report, 'openapi.parses')).toBe('not_applicable');
    expect(outcome(report, 'openapi.pagination')).toBe('not_applicable');
  });

  test('When every operation has a response schema, then openapi.response-schemas passes; when one has none, it fails at that response', async () => {
    expect(outcome(await check([good()], ['openapi.response-schemas']), 'openapi.response-schemas')).toBe('pass');
    const report = await check([poor()], ['openapi.response-schemas']);
    expect(findingsOf(report, 'openapi.response-schemas', 'fail').map((f) => [f.location?.pointer, f.message.en])).toEqual([
      ['/paths/~1skoler/get/responses/200', 'GET /skoler answers 200 with application/json, but without a schema.'],
      ['/paths/~1skoler/get/responses/200', 'GET /skoler has no response schema.'],
      ['/paths/~1vurderinger/post/responses/201', 'POST /vurderinger has no response schema.'],
    ]);
  });

  test('When every object schema is read by a GET (directly, in a list or inside another), then openapi.read-operations passes; types without a GET fail', async () => {
    const passing = await check([good()], ['openapi.read-operations']);
    expect(outcome(passing, 'openapi.read-operations')).toBe('pass');
    expect(messagesOf(passing, 'openapi.read-operations')).toEqual(['Elev is read with GET /elever.', 'Foresatt is read with GET /elever.', 'Skole is read with GET /skoler.', 'ElevSide is read with GET /elever.']);
    const failing = await check([poor()], ['openapi.read-operations']);
    expect(findingsOf(failing, 'openapi.read-operations').map((f) => [f.outcome, f.message.en])).toEqual([
      ['pass', 'Elev is read with GET /elever.'],
      ['fail', 'No GET operation returns Skole.'],
      ['fail', 'No GET operation returns Vurdering.'],
    ]);
  });

  test('When the object types are named in the parameters, then each must be returned by a GET, and a name without a schema fails', async () => {
    const report = await check([good()], [{ rule: 'openapi.read-operations', params: { objectTypes: ['elev', 'Skole', 'Karakter'] } }]);
    expect(findingsOf(report, 'openapi.read-operations').map((f) => [f.outcome, f.message.en])).toEqual([
      ['pass', 'Elev is read with GET /elever.'],
      ['pass', 'Skole is read with GET /skoler.'],
      ['fail', 'The description has no schema for the object type "Karakter".'],
    ]);
  });

  test('When list operations take a cursor or a page parameter, then openapi.pagination passes; an unpaginated list fails', async () => {
    const passing = await check([good()], ['openapi.pagination']);
    expect(messagesOf(passing, 'openapi.pagination')).toEqual(['GET /elever is paginated with the parameter "cursor".', 'GET /skoler is paginated with the parameter "cursor".']);
    const failing = await check([poor()], ['openapi.pagination']);
    expect(messagesOf(failing, 'openapi.pagination', 'fail')).toEqual(['GET /elever returns a list, but has no page or cursor parameter, no Link header and no "next" field.']);
    const ownName = file('api.json', JSON.stringify({ openapi: '3.0.3', info: { title: 'x', version: '1' }, paths: { '/elever': { get: { parameters: [{ name: 'sidetall', in: 'query', schema: { type: 'integer' } }], responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'array', items: { type: 'string' } } } } } } } } } }));
    expect(outcome(await check([ownName], ['openapi.pagination']), 'openapi.pagination')).toBe('fail');
    expect(messagesOf(await check([ownName], [{ rule: 'openapi.pagination', params: { extraParameterNames: ['sidetall'] } }]), 'openapi.pagination')).toEqual(['GET /elever is paginated with the parameter "sidetall".']);
  });

  test('When a list is a bulk export, then openapi.pagination finds it not applicable while an unpaged list beside it still fails', async () => {
    const list = { description: 'ok', content: { 'application/json': { schema: { type: 'object', properties: { items: { type: 'array', items: { type: 'string' } } } } } } };
    const api = file('api.json', JSON.stringify({ openapi: '3.0.3', info: { title: 'x', version: '1' }, paths: { '/eksport': { get: { responses: { '200': list } } }, '/elever': { get: { responses: { '200': list } } } } }));
    const report = await check([api], ['openapi.pagination']);
    expect(outcome(report, 'openapi.pagination')).toBe('fail');
    expect(messagesOf(report, 'openapi.pagination', 'not_applicable')).toEqual(['GET /eksport is a bulk export and answers the whole set at once.']);
    expect(messagesOf(report, 'openapi.pagination', 'fail')).toEqual(['GET /elever returns a list, but has no page or cursor parameter, no Link header and no "next" field.']);
    expect(report.rules.find((r) => r.rule === 'openapi.pagination')?.version).toBe('1.1.0');
  });

  test('When a changes-since parameter and a bulk export exist, then openapi.bulk-changes passes even when both are required; without them it fails', async () => {
    const both = await check([good()], [{ rule: 'openapi.bulk-changes', params: { require: 'both' } }]);
    expect(messagesOf(both, 'openapi.bulk-changes')).toEqual(['Changes since a point in time are read with GET /elever.', 'Bulk retrieval with POST /export.']);
    const failing = await check([poor()], ['openapi.bulk-changes']);
    expect(messagesOf(failing, 'openapi.bulk-changes', 'fail')).toEqual(['Neither bulk retrieval nor retrieval of changes since a point in time is in the description.']);
  });

  test('When OAuth 2.0 client credentials (Maskinporten) is declared and required, then openapi.security passes; an API key alone fails', async () => {
    expect(messagesOf(await check([good()], ['openapi.security']), 'openapi.security')).toEqual(['Access is controlled with maskinporten.']);
    const failing = await check([poor()], ['openapi.security']);
    expect(outcome(failing, 'openapi.security')).toBe('fail');
    expect(findingsOf(failing, 'openapi.security')[0]?.location?.pointer).toBe('/components/securitySchemes');
    const declaredOnly = file('api.json', JSON.stringify({ openapi: '3.0.3', info: { title: 'x', version: '1' }, paths: {}, components: { securitySchemes: { oidc: { type: 'openIdConnect', openIdConnectUrl: 'https://id.example/.well-known/openid-configuration' } } } }));
    expect(messagesOf(await check([declaredOnly], ['openapi.security']), 'openapi.security')).toEqual(['The security scheme oidc is declared, but no operation requires it.']);
  });

  test('When a version and a deprecation policy are stated, then openapi.versioning passes; without a policy it fails', async () => {
    expect(outcome(await check([good()], ['openapi.versioning']), 'openapi.versioning')).toBe('pass');
    const failing = await check([poor()], ['openapi.versioning']);
    expect(findingsOf(failing, 'openapi.versioning').map((f) => f.outcome)).toEqual(['pass', 'fail']);
  });

  test('When error responses have schemas in RFC 9457 form, then openapi.error-schemas passes with the recommendation met; missing error responses fail', async () => {
    const passing = await check([good()], ['openapi.error-schemas']);
    expect(outcome(passing, 'openapi.error-schemas')).toBe('pass');
    expect(findingsOf(passing, 'openapi.error-schemas').find((f) => f.level === 'recommended')?.outcome).toBe('pass');
    const failing = await check([poor()], ['openapi.error-schemas']);
    expect(messagesOf(failing, 'openapi.error-schemas', 'fail')).toEqual([
      'GET /elever documents no error responses (4xx, 5xx or default).',
      'GET /skoler documents no error responses (4xx, 5xx or default).',
      'POST /vurderinger documents no error responses (4xx, 5xx or default).',
    ]);
  });

  test('When error bodies have a schema that is not RFC 9457, then the rule passes and the recommendation is reported as not met', async () => {
    const api = file('api.json', JSON.stringify({ openapi: '3.0.3', info: { title: 'x', version: '1' }, paths: { '/a': { get: { responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'string' } } } }, '500': { description: 'feil', content: { 'application/json': { schema: { type: 'object', properties: { feilkode: { type: 'string' } } } } } } } } } } }));
    const report = await check([api], ['openapi.error-schemas']);
    expect(outcome(report, 'openapi.error-schemas')).toBe('pass');
    const advice = findingsOf(report, 'openapi.error-schemas').find((f) => f.level === 'recommended');
    expect(advice).toMatchObject({ outcome: 'fail', message: { en: 'Recommendation: 1 of 1 error responses do not follow RFC 9457 (problem details).' } });
  });

  test("When Datakrav's own API description is checked, then it parses and gives a read operation for every object type and a changes or bulk operation", async () => {
    const own = { name: 'openapi.json', bytes: readFileSync(path.join(__dirname, '..', 'foundation', 'openapi.json')) };
    const report = await check([own], ['openapi.parses', 'openapi.read-operations', 'openapi.bulk-changes']);
    expect(report.rules.map((r) => [r.rule, r.outcome])).toEqual([
      ['files.readable', 'pass'],
      ['openapi.parses', 'pass'],
      ['openapi.read-operations', 'pass'],
      ['openapi.bulk-changes', 'pass'],
    ]);
  });
});
