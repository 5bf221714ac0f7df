import { validate } from '@readme/openapi-parser';
import type { Message } from './checks.schemas';
import { message } from './findings';
import { readWhole, type Source } from './intake';
import { parseStructured, type ParseProblem } from './documents';
import { formatBytes, type CheckLimits } from './limits';
import { ApiModel, allReferences, expandedSize, isObject, lookupReference, type OpenApiVersion } from './openapi.model';
import { extensionOf } from './text';

/**
 * Reads one API description for the OpenAPI rules: size, syntax, version, references, then
 * validation against its OpenAPI version with @readme/openapi-parser. References outside the
 * document are never followed (no network, no file system): the parser is given the parsed
 * object, with external resolution off, and such references are reported instead.
 */
export type ValidationMessage = { text: string; excerpt: string };

export type LoadedDescription =
  | { source: Source; readable: false; problem: ParseProblem }
  | {
      source: Source;
      readable: true;
      model: ApiModel;
      version: OpenApiVersion;
      external: { ref: string; at: string }[];
      missing: { ref: string; at: string }[];
      validation: { valid: boolean; messages: ValidationMessage[]; more: number };
    };

function problem(nb: string, en: string): ParseProblem {
  return { message: message(nb, en) as Message, at: {} };
}

function versionOf(doc: Record<string, unknown>): OpenApiVersion | null {
  if (typeof doc.swagger === 'string') return doc.swagger === '2.0' ? '2.0' : null;
  if (typeof doc.openapi !== 'string') return null;
  if (/^3\.0\.\d+(-.+)?$/.test(doc.openapi)) return '3.0';
  if (/^3\.1\.\d+(-.+)?$/.test(doc.openapi)) return '3.1';
  return null;
}

function splitMessage(raw: string): ValidationMessage {
  const [first, ...rest] = raw.split('\n');
  return { text: (first ?? raw).trim(), excerpt: rest.join('\n').trim() };
}

export async function loadDescription(source: Source, limits: CheckLimits): Promise<LoadedDescription> {
  if (source.size > limits.openapiBytes) {
    return { source, readable: false, problem: problem(`API-beskrivelsen er ${formatBytes(source.size)}; grensen er ${formatBytes(limits.openapiBytes)}. Den leses ikke.`, `The API description is ${formatBytes(source.size)}; the limit is ${formatBytes(limits.openapiBytes)}. It is not read.`) };
  }
  const document = source.document ?? parseStructured(await readWhole(source), extensionOf(source.name) === 'json' ? 'json' : 'yaml');
  if (!document.ok) return { source, readable: false, problem: document.problem };
  if (!isObject(document.value)) return { source, readable: false, problem: problem('API-beskrivelsen er ikke et objekt.', 'The API description is not an object.') };
  const doc = document.value;
  const version = versionOf(doc);
  if (!version) {
    const stated = String(doc.openapi ?? doc.swagger ?? '');
    return {
      source,
      readable: false,
      problem: problem(`Versjonen «${stated}» støttes ikke; kontrollene leser OpenAPI 2.0 (Swagger), 3.0 og 3.1.`, `Version "${stated}" is not supported; the checks read OpenAPI 2.0 (Swagger), 3.0 and 3.1.`),
    };
  }
  const references = allReferences(doc);
  const external = references.filter((r) => !r.ref.startsWith('#'));
  const missing = references.filter((r) => r.ref.startsWith('#') && lookupReference(doc, r.ref) === undefined);
  if (expandedSize(doc, limits.refExpansion) > limits.refExpansion) {
    return {
      source,
      readable: false,
      problem: problem(
        `Referansene ($ref) i API-beskrivelsen blåser den opp til mer enn ${limits.refExpansion.toLocaleString('nb-NO')} noder; den leses ikke videre.`,
        `The references ($ref) in the API description blow it up to more than ${limits.refExpansion.toLocaleString('en-GB')} nodes; it is not read further.`,
      ),
    };
  }
  const model = new ApiModel(doc, version);
  let validation: { valid: boolean; messages: ValidationMessage[]; more: number };
  if (missing.length > 0) {
    validation = { valid: false, messages: [], more: 0 };
  } else {
    try {
      const result = await validate(structuredClone(doc) as never, { resolve: { external: false, file: false }, dereference: { circular: 'ignore' }, timeoutMs: 20_000 });
      validation = result.valid
        ? { valid: true, messages: [], more: 0 }
        : { valid: false, messages: result.errors.slice(0, limits.failuresListed).map((e) => splitMessage(e.message)), more: result.additionalErrors + Math.max(0, result.errors.length - limits.failuresListed) };
    } catch (error) {
      validation = { valid: false, messages: [{ text: (error as Error).message, excerpt: '' }], more: 0 };
    }
  }
  return { source, readable: true, model, version, external, missing, validation };
}
