import { z } from 'zod';
import type { Message } from './checks.schemas';

/**
 * Every rule the engine knows: its stable id, version, title and the zod schema of its
 * parameters. Light on purpose (no parser is imported), so that the library's sync can
 * validate an item's `checks:` list without loading the engine.
 *
 * A rule's version changes when what it passes or fails changes; the rule set's version
 * changes with any rule's. Reports name both, so an old report says what it ran under.
 */
export const RULE_SET_VERSION = '1.2.0';

const noParams = z.strictObject({});

const objectTypes = z.union([
  z.literal('all-schemas'),
  z.array(z.string().trim().min(1).max(200)).min(1).max(500),
]);

const csvDelimiter = z.enum([',', ';', '\t', '|']);
const csvEncoding = z.enum(['utf-8', 'windows-1252', 'iso-8859-1']);

export const RULES = {
  'files.readable': {
    version: '1.1.0',
    input: 'any',
    title: { nb: 'Filene kan leses', en: 'The files can be read' },
    params: noParams,
  },
  'openapi.parses': {
    version: '1.0.0',
    input: 'openapi',
    title: { nb: 'API-beskrivelsen kan leses og følger OpenAPI-versjonen sin', en: 'The API description parses and follows its OpenAPI version' },
    params: noParams,
  },
  'openapi.response-schemas': {
    version: '1.0.0',
    input: 'openapi',
    title: { nb: 'Hver operasjon har et skjema for svaret', en: 'Every operation has a response schema' },
    params: noParams,
  },
  'openapi.read-operations': {
    version: '1.0.0',
    input: 'openapi',
    title: { nb: 'Hver objekttype kan leses med en GET-operasjon', en: 'Every object type can be read with a GET operation' },
    params: z.strictObject({ objectTypes: objectTypes.default('all-schemas') }),
  },
  'openapi.pagination': {
    version: '1.1.0',
    input: 'openapi',
    title: { nb: 'Listeoperasjoner er delt i sider', en: 'List operations are paginated' },
    params: z.strictObject({ extraParameterNames: z.array(z.string().trim().min(1).max(100)).max(50).default([]) }),
  },
  'openapi.bulk-changes': {
    version: '1.0.0',
    input: 'openapi',
    title: { nb: 'Det finnes masseuthenting eller uthenting av endringer', en: 'A bulk or changes-since operation exists' },
    params: z.strictObject({ require: z.enum(['either', 'both']).default('either') }),
  },
  'openapi.security': {
    version: '1.0.0',
    input: 'openapi',
    title: { nb: 'Tilgangsstyring er beskrevet med OAuth 2.0 klientlegitimasjon eller tilsvarende', en: 'Access control is described with OAuth 2.0 client credentials or equivalent' },
    params: z.strictObject({
      accepted: z.array(z.enum(['oauth2-client-credentials', 'openid-connect', 'mutual-tls'])).min(1).default(['oauth2-client-credentials', 'openid-connect']),
    }),
  },
  'openapi.versioning': {
    version: '1.0.0',
    input: 'openapi',
    title: { nb: 'Versjon og utfasingspolicy er oppgitt', en: 'A version and a deprecation policy are stated' },
    params: noParams,
  },
  'openapi.error-schemas': {
    version: '1.0.0',
    input: 'openapi',
    title: { nb: 'Feilsvar har et dokumentert skjema', en: 'Error responses use a documented schema' },
    params: noParams,
  },
  'export.parses': {
    version: '1.0.0',
    input: 'export',
    title: { nb: 'Eksportfilene kan leses', en: 'The export files parse' },
    params: z.strictObject({
      csv: z.strictObject({ delimiter: csvDelimiter.optional(), encoding: csvEncoding.default('utf-8') }).default({ encoding: 'utf-8' }),
    }),
  },
  'export.utf8': {
    version: '1.0.0',
    input: 'export',
    title: { nb: 'Tekst er kodet som UTF-8', en: 'Text is encoded as UTF-8' },
    params: noParams,
  },
  'export.json-schema': {
    version: '1.1.0',
    input: 'export',
    title: { nb: 'JSON-filene følger JSON Schema-beskrivelsen', en: 'The JSON files follow their JSON Schema' },
    params: noParams,
  },
  'export.xsd': {
    version: '1.0.0',
    input: 'export',
    title: { nb: 'XML-filene følger XSD-skjemaet', en: 'The XML files follow their XSD' },
    params: noParams,
  },
  'export.data-model': {
    version: '1.1.0',
    input: 'export',
    title: { nb: 'Alle filer og felt i datamodellen finnes i eksporten', en: 'Every file and field of the data model is in the export' },
    params: noParams,
  },
  'export.records': {
    version: '1.1.0',
    input: 'export',
    title: { nb: 'Antall poster og unike primærnøkler', en: 'Record counts and unique primary keys' },
    params: noParams,
  },
  'export.iso-dates': {
    version: '1.0.0',
    input: 'export',
    title: { nb: 'Datoer og tidspunkter følger ISO 8601', en: 'Dates and times follow ISO 8601' },
    params: z.strictObject({ requireTimeZone: z.boolean().default(true) }),
  },
} as const satisfies Record<string, { version: string; input: 'any' | 'openapi' | 'export'; title: Message; params: z.ZodType }>;

export type RuleId = keyof typeof RULES;
export type RuleParams<R extends RuleId> = z.output<(typeof RULES)[R]['params']>;

/** The rules a library item may declare; `files.readable` runs in every check by itself. */
export const DECLARABLE_RULE_IDS = (Object.keys(RULES) as RuleId[]).filter((id) => id !== 'files.readable');

export function isRuleId(value: string): value is RuleId {
  return Object.hasOwn(RULES, value);
}

/** One entry of an item's `checks:` list: a rule and its parameters, validated by the rule's schema. */
export type CheckDeclaration = { [R in RuleId]: { rule: R; params: RuleParams<R> } }[RuleId];

const declarationInput = z.strictObject({
  rule: z.string(),
  params: z.record(z.string(), z.unknown()).default({}),
});

/** Why a declared rule is refused, in `params.problem` of its issue, for callers that word it themselves. */
export type DeclarationProblem = 'unknown_rule' | 'duplicate_rule';

/**
 * The `checks:` list that library items carry, e.g.
 * `[{ rule: 'openapi.read-operations', params: { objectTypes: 'all-schemas' } }]`.
 * Unknown rules, parameters a rule does not take and a rule named twice are refused with the
 * path of the entry.
 */
export const checksDeclarationSchema = z
  .array(declarationInput)
  .max(DECLARABLE_RULE_IDS.length)
  .transform((entries, ctx): CheckDeclaration[] => {
    const seen = new Set<string>();
    const declarations: CheckDeclaration[] = [];
    entries.forEach((entry, index) => {
      if (!isRuleId(entry.rule) || entry.rule === 'files.readable') {
        ctx.addIssue({ code: 'custom', path: [index, 'rule'], params: { problem: 'unknown_rule', rule: entry.rule }, message: `unknown rule "${entry.rule}"; known rules: ${DECLARABLE_RULE_IDS.join(', ')}` });
        return;
      }
      if (seen.has(entry.rule)) {
        ctx.addIssue({ code: 'custom', path: [index, 'rule'], params: { problem: 'duplicate_rule', rule: entry.rule }, message: `rule "${entry.rule}" is listed more than once` });
        return;
      }
      seen.add(entry.rule);
      const parsed = RULES[entry.rule].params.safeParse(entry.params);
      if (!parsed.success) {
        // The parameter's own issue, without its message: the caller's parse words it, in the
        // language it was given (the library editor's page language; English at sync).
        for (const { message: _message, path, ...issue } of parsed.error.issues) ctx.addIssue({ ...issue, path: [index, 'params', ...path] } as Parameters<typeof ctx.addIssue>[0]);
        return;
      }
      declarations.push({ rule: entry.rule, params: parsed.data } as CheckDeclaration);
    });
    return declarations;
  });
