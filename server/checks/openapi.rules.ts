import { message } from './findings';
import type { RuleFindings } from './findings';
import { locate, sourceLabel } from './intake';
import type { LoadedDescription } from './openapi.load';
import { type ApiModel, isError, isObject, isSuccess, type Operation } from './openapi.model';
import type { RuleContext, RuleImplementation } from './rule-context';
import type { RuleId } from './rules.catalogue';

type Readable = Extract<LoadedDescription, { readable: true }>;

/**
 * Runs a rule on each readable API description. No description: not applicable. A description
 * that cannot be read fails every OpenAPI rule, since none of them can be shown to hold.
 */
async function eachDescription(context: RuleContext, findings: RuleFindings, check: (description: Readable) => void): Promise<void> {
  const descriptions = await context.descriptions();
  if (descriptions.length === 0) {
    findings.notApplicable(null, message('Ingen API-beskrivelse (OpenAPI) blant filene.', 'No API description (OpenAPI) among the files.'));
    return;
  }
  for (const description of descriptions) {
    if (!description.readable) {
      if (findings.rule !== 'openapi.parses') {
        findings.fail(locate(description.source), message(`Kan ikke kontrolleres: API-beskrivelsen ${sourceLabel(description.source)} kan ikke leses (se openapi.parses).`, `Cannot be checked: the API description ${sourceLabel(description.source)} cannot be read (see openapi.parses).`));
      }
      continue;
    }
    check(description);
  }
}

const operationName = (op: Operation) => `${op.method.toUpperCase()} ${op.path}`;
const at = (description: Readable, pointer: string) => locate(description.source, { pointer });

export const openapiParses: RuleImplementation<'openapi.parses'> = async (context, _params, findings) => {
  const descriptions = await context.descriptions();
  if (descriptions.length === 0) {
    findings.notApplicable(null, message('Ingen API-beskrivelse (OpenAPI) blant filene.', 'No API description (OpenAPI) among the files.'));
    return;
  }
  for (const description of descriptions) {
    if (!description.readable) {
      findings.fail(locate(description.source, description.problem.at), description.problem.message);
      continue;
    }
    const label = description.version === '2.0' ? 'Swagger 2.0' : `OpenAPI ${description.version}`;
    for (const { ref, at: where } of description.external) {
      findings.fail(
        at(description, where),
        message(
          `Referansen «${ref}» peker ut av dokumentet og følges ikke (kontrollene henter ingenting fra nett eller filsystem). Lever en samlet beskrivelse der alle $ref peker inn i dokumentet.`,
          `The reference "${ref}" points outside the document and is not followed (the checks fetch nothing from the network or the file system). Supply a bundled description whose every $ref points inside the document.`,
        ),
      );
    }
    for (const { ref, at: where } of description.missing) {
      findings.fail(at(description, where), message(`Referansen «${ref}» peker på noe som ikke finnes i dokumentet.`, `The reference "${ref}" points at nothing in the document.`));
    }
    const { validation } = description;
    if (validation.valid) {
      findings.pass(locate(description.source), message(`Beskrivelsen kan leses og følger ${label}: ${description.model.operations.length} operasjoner.`, `The description parses and follows ${label}: ${description.model.operations.length} operations.`), { operations: description.model.operations.length });
    } else {
      for (const problem of validation.messages) {
        findings.fail(locate(description.source), message(`Følger ikke ${label}: ${problem.text}`, `Does not follow ${label}: ${problem.text}`), problem.excerpt ? { excerpt: problem.excerpt } : undefined);
      }
      if (validation.more > 0) findings.failUnlisted(locate(description.source), message(`… og ${validation.more} flere avvik fra ${label}.`, `… and ${validation.more} more deviations from ${label}.`), validation.more);
    }
  }
};

const NO_BODY = new Set(['204', '205']);

export const openapiResponseSchemas: RuleImplementation<'openapi.response-schemas'> = (context, _params, findings) =>
  eachDescription(context, findings, (description) => {
    const failuresBefore = findings.failureCount();
    let checked = 0;
    for (const op of description.model.operations) {
      const successes = op.responses.filter((r) => isSuccess(r.status));
      const name = operationName(op);
      if (successes.length === 0) {
        findings.fail(at(description, `${op.pointer}/responses`), message(`${name} har ikke noe dokumentert svar for suksess (2xx).`, `${name} has no documented success (2xx) response.`));
        continue;
      }
      checked++;
      for (const response of successes) {
        const declaredWithoutSchema = response.mediaTypes.filter((mediaType) => !response.schemas.some((s) => s.mediaType === mediaType));
        for (const mediaType of declaredWithoutSchema) {
          findings.fail(at(description, response.pointer), message(`${name} svarer ${response.status} med ${mediaType}, men uten skjema.`, `${name} answers ${response.status} with ${mediaType}, but without a schema.`));
        }
      }
      const bodiless = op.method === 'head' || op.method === 'options' || successes.every((r) => NO_BODY.has(r.status));
      if (!bodiless && !successes.some((r) => r.schemas.length > 0)) {
        findings.fail(at(description, successes[0]?.pointer ?? op.pointer), message(`${name} har ikke noe skjema for svaret.`, `${name} has no response schema.`));
      }
    }
    if (findings.failureCount() === failuresBefore) {
      findings.pass(locate(description.source), message(`Alle ${checked} operasjoner har et skjema for svaret.`, `All ${checked} operations have a response schema.`), { operations: checked });
    }
  });

/** Case and punctuation set aside: "elev", "Elev" and "ELEV" name the same object type. */
const normalise = (name: string) => name.toLowerCase().replace(/[^a-z0-9æøå]/g, '');

function readers(model: ApiModel): Map<string, Operation> {
  const readBy = new Map<string, Operation>();
  for (const op of model.operations) {
    if (op.method !== 'get') continue;
    for (const response of op.responses.filter((r) => isSuccess(r.status))) {
      for (const { schema } of response.schemas) for (const name of model.returnedTypes(schema)) if (!readBy.has(name)) readBy.set(name, op);
    }
  }
  return readBy;
}

/**
 * Object schemas that describe data. Those used only in request bodies, in the answers of
 * write operations or in error responses are left out; a schema used nowhere is kept.
 */
function objectTypes(model: ApiModel): string[] {
  const read = new Set<string>();
  const other = new Set<string>();
  for (const op of model.operations) {
    for (const schema of op.requestSchemas) for (const n of model.referencedSchemas(schema)) other.add(n);
    for (const response of op.responses) {
      const bucket = op.method === 'get' && isSuccess(response.status) ? read : other;
      for (const { schema } of response.schemas) for (const n of model.referencedSchemas(schema)) bucket.add(n);
    }
  }
  const readable = model.closure(read);
  const elsewhere = model.closure(other);
  return [...model.schemas.keys()].filter((name) => model.isObjectSchema(model.schemas.get(name)?.schema) && (readable.has(name) || !elsewhere.has(name)));
}

export const openapiReadOperations: RuleImplementation<'openapi.read-operations'> = (context, params, findings) =>
  eachDescription(context, findings, (description) => {
    const { model } = description;
    const readBy = readers(model);
    if (params.objectTypes === 'all-schemas') {
      const types = objectTypes(model);
      if (types.length === 0) {
        findings.notApplicable(locate(description.source), message('Beskrivelsen har ingen objektskjemaer å kontrollere.', 'The description has no object schemas to check.'));
        return;
      }
      const embedded = model.closure(readBy.keys());
      for (const name of types) {
        const reader = readBy.get(name);
        const pointer = model.schemas.get(name)?.pointer ?? '';
        if (reader) findings.pass(at(description, reader.pointer), message(`${name} leses med ${operationName(reader)}.`, `${name} is read with ${operationName(reader)}.`));
        else if (embedded.has(name)) findings.pass(at(description, pointer), message(`${name} leses som del av en annen objekttype som har en GET-operasjon.`, `${name} is read as part of another object type that has a GET operation.`));
        else findings.fail(at(description, pointer), message(`Ingen GET-operasjon gir ${name}.`, `No GET operation returns ${name}.`));
      }
      return;
    }
    const byName = new Map([...model.schemas.keys()].map((name) => [normalise(name), name]));
    for (const wanted of params.objectTypes) {
      const name = byName.get(normalise(wanted));
      if (!name) {
        findings.fail(locate(description.source), message(`Beskrivelsen har ikke noe skjema for objekttypen «${wanted}».`, `The description has no schema for the object type "${wanted}".`));
        continue;
      }
      const reader = readBy.get(name);
      if (reader) findings.pass(at(description, reader.pointer), message(`${name} leses med ${operationName(reader)}.`, `${name} is read with ${operationName(reader)}.`));
      else findings.fail(at(description, model.schemas.get(name)?.pointer ?? ''), message(`Ingen GET-operasjon gir ${name}.`, `No GET operation returns ${name}.`));
    }
  });

const ENVELOPE_ARRAYS = new Set(['items', 'data', 'results', 'entries', 'records', 'elements', 'values', 'value', 'content', 'hits', 'rows', 'list', '_embedded', 'resources', 'member', 'members', 'elementer', 'poster', 'resultater']);
const PAGE_PARAMETERS = new Set([
  'page', 'pagenumber', 'page_number', 'pagesize', 'page_size', 'per_page', 'perpage', 'limit', 'offset', 'cursor', 'after', 'before',
  'pagetoken', 'page_token', 'next', 'continuationtoken', 'continuation_token', 'skip', 'top', '$top', '$skip', '$skiptoken', 'start',
  'startindex', 'start_index', 'side', 'sidestorrelse', 'antall', 'fra',
]);
const NEXT_FIELDS = new Set(['next', 'nextcursor', 'next_cursor', 'nextpage', 'next_page', 'nextpagetoken', 'next_page_token', 'nextlink', '@odata.nextlink', 'links', '_links', 'cursor', 'paging', 'pagination', 'page', 'neste']);

/** A list operation: a GET whose success answer is an array, or an envelope object around one. */
function listShape(model: ApiModel, op: Operation): { nextField: string | null } | null {
  if (op.method !== 'get' || /\{[^}]+\}$/.test(op.path)) return null;
  for (const response of op.responses.filter((r) => isSuccess(r.status))) {
    for (const { schema } of response.schemas) {
      const resolved = model.resolve(schema);
      if (!isObject(resolved)) continue;
      if (resolved.type === 'array') return { nextField: null };
      if (isObject(resolved.properties)) {
        const names = Object.keys(resolved.properties);
        const envelope = names.some((n) => ENVELOPE_ARRAYS.has(n.toLowerCase()) && isObject(model.resolve((resolved.properties as Record<string, unknown>)[n])) && ((model.resolve((resolved.properties as Record<string, unknown>)[n]) as Record<string, unknown>).type === 'array' || n === '_embedded'));
        if (envelope) return { nextField: names.find((n) => NEXT_FIELDS.has(n.toLowerCase())) ?? null };
      }
    }
  }
  return null;
}

const CHANGES_PARAMETERS = /^(since|changedsince|changed_since|changedafter|changed_after|modifiedsince|modified_since|modifiedafter|modified_after|updatedsince|updated_since|updatedafter|updated_after|lastmodified|last_modified|fromdate|from_date|endretetter|endret_etter|endretsiden|sistendret|\$deltatoken|deltatoken|synctoken|sync_token|if-modified-since)$/i;
const CHANGES_PATH = /\/(changes|changelog|delta|events|feed|endringer|hendelser|sync)(\/|$|\{)/i;
const BULK_PATH = /\/(bulk|export|exports|eksport|dump|batch|uttrekk|masseuthenting|full)(\/|$|\{|\.)/i;
const BULK_MEDIA = /^(application\/(x-)?ndjson|application\/jsonl|text\/csv|application\/zip|application\/gzip|application\/x-gzip)$/i;

/** A bulk operation: a path like `/export` or `/bulk`, or a GET answering NDJSON, CSV or ZIP. */
function isBulk(op: Operation): boolean {
  return BULK_PATH.test(op.path) || (op.method === 'get' && op.responses.some((r) => isSuccess(r.status) && r.mediaTypes.some((m) => BULK_MEDIA.test(m))));
}

export const openapiPagination: RuleImplementation<'openapi.pagination'> = (context, params, findings) =>
  eachDescription(context, findings, (description) => {
    const { model } = description;
    const extra = new Set(params.extraParameterNames.map((n) => n.toLowerCase()));
    let lists = 0;
    for (const op of model.operations) {
      const shape = listShape(model, op);
      if (!shape) continue;
      lists++;
      const name = operationName(op);
      // A bulk export answers the whole set on purpose: it is the alternative to reading page by page.
      if (isBulk(op)) {
        findings.notApplicable(at(description, op.pointer), message(`${name} er en masseuthenting og gir hele mengden samlet.`, `${name} is a bulk export and answers the whole set at once.`));
        continue;
      }
      const parameter = op.parameters.find((p) => p.in === 'query' && (PAGE_PARAMETERS.has(p.name.toLowerCase()) || extra.has(p.name.toLowerCase())));
      const link = op.responses.filter((r) => isSuccess(r.status)).some((r) => r.headers.some((h) => h.toLowerCase() === 'link'));
      if (parameter) findings.pass(at(description, parameter.pointer), message(`${name} deles i sider med parameteren «${parameter.name}».`, `${name} is paginated with the parameter "${parameter.name}".`));
      else if (link) findings.pass(at(description, op.pointer), message(`${name} deles i sider med Link-hodet.`, `${name} is paginated with the Link header.`));
      else if (shape.nextField) findings.pass(at(description, op.pointer), message(`${name} deles i sider med feltet «${shape.nextField}» i svaret.`, `${name} is paginated with the field "${shape.nextField}" in the answer.`));
      else findings.fail(at(description, op.pointer), message(`${name} gir en liste, men har verken side- eller markørparameter, Link-hode eller et «next»-felt.`, `${name} returns a list, but has no page or cursor parameter, no Link header and no "next" field.`));
    }
    if (lists === 0) findings.notApplicable(locate(description.source), message('Beskrivelsen har ingen listeoperasjoner.', 'The description has no list operations.'));
  });

export const openapiBulkChanges: RuleImplementation<'openapi.bulk-changes'> = (context, params, findings) =>
  eachDescription(context, findings, (description) => {
    const { model } = description;
    const changes = model.operations.find((op) => op.method === 'get' && (CHANGES_PATH.test(op.path) || op.parameters.some((p) => (p.in === 'query' || p.in === 'header') && CHANGES_PARAMETERS.test(p.name))));
    const bulk = model.operations.find(isBulk);
    if (changes) findings.pass(at(description, changes.pointer), message(`Endringer siden et tidspunkt hentes med ${operationName(changes)}.`, `Changes since a point in time are read with ${operationName(changes)}.`));
    if (bulk) findings.pass(at(description, bulk.pointer), message(`Masseuthenting med ${operationName(bulk)}.`, `Bulk retrieval with ${operationName(bulk)}.`));
    const where = locate(description.source, { pointer: '/paths' });
    if (params.require === 'both') {
      if (!changes) findings.fail(where, message('Ingen operasjon henter endringer siden et tidspunkt (for eksempel en parameter «changedSince» eller en sti «/changes»).', 'No operation reads changes since a point in time (for example a "changedSince" parameter or a "/changes" path).'));
      if (!bulk) findings.fail(where, message('Ingen operasjon for masseuthenting (for eksempel «/export» eller et svar i NDJSON, CSV eller ZIP).', 'No bulk operation (for example "/export" or an answer in NDJSON, CSV or ZIP).'));
    } else if (!changes && !bulk) {
      findings.fail(where, message('Verken masseuthenting eller uthenting av endringer siden et tidspunkt finnes i beskrivelsen.', 'Neither bulk retrieval nor retrieval of changes since a point in time is in the description.'));
    }
  });

type SchemeKind = 'oauth2-client-credentials' | 'openid-connect' | 'mutual-tls';

export const openapiSecurity: RuleImplementation<'openapi.security'> = (context, params, findings) =>
  eachDescription(context, findings, (description) => {
    const { model, version } = description;
    const doc = model.doc;
    const container = version === '2.0' ? doc.securityDefinitions : isObject(doc.components) ? doc.components.securitySchemes : undefined;
    const containerPointer = version === '2.0' ? '/securityDefinitions' : '/components/securitySchemes';
    if (!isObject(container) || Object.keys(container).length === 0) {
      findings.fail(locate(description.source, { pointer: containerPointer }), message('Beskrivelsen oppgir ingen sikkerhetsordninger (security schemes).', 'The description declares no security schemes.'));
      return;
    }
    const kinds = new Map<string, SchemeKind[]>();
    for (const [name, raw] of Object.entries(container)) {
      const scheme = model.resolve(raw);
      if (!isObject(scheme)) continue;
      const found: SchemeKind[] = [];
      if (scheme.type === 'oauth2' && ((isObject(scheme.flows) && scheme.flows.clientCredentials !== undefined) || scheme.flow === 'application')) found.push('oauth2-client-credentials');
      if (scheme.type === 'openIdConnect') found.push('openid-connect');
      if (scheme.type === 'mutualTLS') found.push('mutual-tls');
      kinds.set(name, found);
    }
    const accepted = [...kinds].filter(([, k]) => k.some((kind) => params.accepted.includes(kind))).map(([name]) => name);
    if (accepted.length === 0) {
      findings.fail(
        locate(description.source, { pointer: containerPointer }),
        message(
          `Ingen av sikkerhetsordningene (${[...kinds.keys()].join(', ')}) er av en godtatt type: OAuth 2.0 med klientlegitimasjon (client credentials, som Maskinporten), OpenID Connect eller gjensidig TLS, etter kravet.`,
          `None of the security schemes (${[...kinds.keys()].join(', ')}) is of an accepted kind: OAuth 2.0 client credentials (as Maskinporten), OpenID Connect or mutual TLS, as the requirement states.`,
        ),
      );
      return;
    }
    const requires = (list: unknown) => Array.isArray(list) && list.some((entry) => isObject(entry) && accepted.some((name) => Object.hasOwn(entry, name)));
    const used = requires(doc.security) || model.operations.some((op) => requires(op.operation.security));
    const names = accepted.join(', ');
    if (!used) {
      findings.fail(locate(description.source, { pointer: '/security' }), message(`Sikkerhetsordningen ${names} er oppgitt, men ingen operasjon krever den.`, `The security scheme ${names} is declared, but no operation requires it.`));
      return;
    }
    findings.pass(locate(description.source, { pointer: containerPointer }), message(`Tilgang styres med ${names}.`, `Access is controlled with ${names}.`));
  });

const POLICY_EXTENSION = /^x-.*(deprecat|sunset|lifecycle|versioning|utfas)/i;
const POLICY_TEXT = /deprecat|sunset|utfas|avvikl|end[- ]of[- ]life|versioning polic|versjoneringspolicy|versjonering/i;

function deprecatedFlag(doc: unknown): string | null {
  const stack: [unknown, string][] = [[doc, '']];
  while (stack.length > 0) {
    const [node, where] = stack.pop() as [unknown, string];
    if (Array.isArray(node)) node.forEach((child, i) => stack.push([child, `${where}/${i}`]));
    else if (isObject(node)) {
      if (node.deprecated === true) return where;
      for (const [key, child] of Object.entries(node)) if (typeof child === 'object' && child !== null) stack.push([child, `${where}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`]);
    }
  }
  return null;
}

export const openapiVersioning: RuleImplementation<'openapi.versioning'> = (context, _params, findings) =>
  eachDescription(context, findings, (description) => {
    const doc = description.model.doc;
    const info = isObject(doc.info) ? doc.info : {};
    const version = typeof info.version === 'string' ? info.version.trim() : '';
    if (version) findings.pass(at(description, '/info/version'), message(`Versjonen er oppgitt: ${version}.`, `The version is stated: ${version}.`));
    else findings.fail(at(description, '/info/version'), message('Beskrivelsen oppgir ingen versjon (info.version).', 'The description states no version (info.version).'));
    const extension = [...Object.keys(doc).map((k) => ({ key: k, where: '' })), ...Object.keys(info).map((k) => ({ key: k, where: '/info' }))].find(({ key }) => POLICY_EXTENSION.test(key));
    const flagged = deprecatedFlag(doc);
    if (extension) findings.pass(at(description, `${extension.where}/${extension.key}`), message(`Utfasingspolicyen er beskrevet i «${extension.key}».`, `The deprecation policy is described in "${extension.key}".`));
    else if (typeof info.description === 'string' && POLICY_TEXT.test(info.description)) findings.pass(at(description, '/info/description'), message('Utfasingspolicyen er beskrevet i info.description.', 'The deprecation policy is described in info.description.'));
    else if (flagged !== null) findings.pass(at(description, `${flagged}/deprecated`), message('Beskrivelsen merker utfasede deler med «deprecated».', 'The description marks deprecated parts with "deprecated".'));
    else findings.fail(at(description, '/info'), message('Beskrivelsen sier ikke hvordan versjoner fases ut: ingen «deprecated»-merking, ingen x-utvidelse for utfasing og ingenting om det i info.description.', 'The description does not say how versions are deprecated: no "deprecated" flags, no x- extension for deprecation and nothing about it in info.description.'));
  });

function looksLikeProblemDetails(model: ApiModel, mediaType: string, schema: unknown): boolean {
  if (/^application\/problem\+(json|xml)$/i.test(mediaType)) return true;
  const resolved = model.resolve(schema);
  if (!isObject(resolved) || !isObject(resolved.properties)) return false;
  const names = new Set(Object.keys(resolved.properties));
  return names.has('title') && (names.has('status') || names.has('type'));
}

export const openapiErrorSchemas: RuleImplementation<'openapi.error-schemas'> = (context, _params, findings) =>
  eachDescription(context, findings, (description) => {
    const { model } = description;
    const failuresBefore = findings.failureCount();
    let withErrors = 0;
    let problemDetails = 0;
    let documented = 0;
    for (const op of model.operations) {
      const errors = op.responses.filter((r) => isError(r.status));
      const name = operationName(op);
      if (errors.length === 0) {
        findings.fail(at(description, `${op.pointer}/responses`), message(`${name} dokumenterer ingen feilsvar (4xx, 5xx eller default).`, `${name} documents no error responses (4xx, 5xx or default).`));
        continue;
      }
      withErrors++;
      for (const response of errors) {
        if (response.schemas.length === 0) {
          findings.fail(at(description, response.pointer), message(`Feilsvaret ${response.status} fra ${name} har ikke noe skjema.`, `The error response ${response.status} of ${name} has no schema.`));
          continue;
        }
        documented++;
        if (response.schemas.some((s) => looksLikeProblemDetails(model, s.mediaType, s.schema))) problemDetails++;
      }
    }
    if (model.operations.length === 0) {
      findings.notApplicable(locate(description.source), message('Beskrivelsen har ingen operasjoner.', 'The description has no operations.'));
      return;
    }
    if (findings.failureCount() === failuresBefore) findings.pass(locate(description.source), message(`Alle ${withErrors} operasjoner har feilsvar med skjema.`, `All ${withErrors} operations have error responses with a schema.`));
    if (documented > 0) {
      findings.recommend(
        problemDetails === documented,
        locate(description.source),
        problemDetails === documented
          ? message('Feilsvarene følger RFC 9457 (problem details), som anbefalt.', 'The error responses follow RFC 9457 (problem details), as recommended.')
          : message(`Anbefaling: ${documented - problemDetails} av ${documented} feilsvar følger ikke RFC 9457 (problem details).`, `Recommendation: ${documented - problemDetails} of ${documented} error responses do not follow RFC 9457 (problem details).`),
        { errorResponses: documented, problemDetails },
      );
    }
  });

export const OPENAPI_RULES = {
  'openapi.parses': openapiParses,
  'openapi.response-schemas': openapiResponseSchemas,
  'openapi.read-operations': openapiReadOperations,
  'openapi.pagination': openapiPagination,
  'openapi.bulk-changes': openapiBulkChanges,
  'openapi.security': openapiSecurity,
  'openapi.versioning': openapiVersioning,
  'openapi.error-schemas': openapiErrorSchemas,
} satisfies { [R in Extract<RuleId, `openapi.${string}`>]: RuleImplementation<R> };
