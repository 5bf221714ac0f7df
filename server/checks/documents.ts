import YAML from 'yaml';
import type { Location, Message } from './checks.schemas';
import { message } from './findings';
import { decodeUtf8, lineAndColumnInText } from './text';

/**
 * JSON and YAML read safely: strict UTF-8, YAML aliases limited (the "billion laughs" of YAML
 * is refused, not expanded), nesting limited so that no rule can run out of stack on it.
 */
export type ParseProblem = { message: Message; at: Omit<Location, 'file' | 'entry'> };
export type ParsedDocument = { ok: true; value: unknown; bom: boolean } | { ok: false; problem: ParseProblem };

/** Aliases a YAML document may resolve, counted with what they expand to (the yaml package's own measure). */
const MAX_ALIAS_COUNT = 100;
export const MAX_DEPTH = 256;

function tooDeep(value: unknown): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (typeof node !== 'object' || node === null) continue;
    if (depth >= MAX_DEPTH) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
  return false;
}

function jsonProblem(error: Error, text: string): ParseProblem {
  const detail = error.message;
  const lineColumn = /line (\d+) column (\d+)/.exec(detail);
  const position = /position (\d+)/.exec(detail);
  const at = lineColumn ? { line: Number(lineColumn[1]), column: Number(lineColumn[2]) } : position ? lineAndColumnInText(text, Number(position[1])) : {};
  return { message: message(`JSON-syntaksfeil: ${detail}`, `JSON syntax error: ${detail}`), at };
}

export function parseStructured(bytes: Uint8Array, kind: 'json' | 'yaml'): ParsedDocument {
  const decoded = decodeUtf8(bytes);
  if (!decoded.ok) {
    return {
      ok: false,
      problem: {
        message: message(`Fila er ikke gyldig UTF-8: ugyldig byte ved posisjon ${decoded.byte}.`, `The file is not valid UTF-8: invalid byte at offset ${decoded.byte}.`),
        at: { line: decoded.line, column: decoded.column, byte: decoded.byte },
      },
    };
  }
  let value: unknown;
  if (kind === 'json') {
    try {
      value = JSON.parse(decoded.text);
    } catch (error) {
      return { ok: false, problem: jsonProblem(error as Error, decoded.text) };
    }
  } else {
    const document = YAML.parseDocument(decoded.text, { uniqueKeys: true, prettyErrors: true, merge: false });
    const error = document.errors[0];
    if (error) {
      const at = error.linePos?.[0] ? { line: error.linePos[0].line, column: error.linePos[0].col } : {};
      const first = error.message.split('\n')[0] ?? error.message;
      return { ok: false, problem: { message: message(`YAML-syntaksfeil: ${first}`, `YAML syntax error: ${first}`), at } };
    }
    try {
      value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      if (error instanceof ReferenceError) {
        return {
          ok: false,
          problem: {
            message: message(
              `YAML-fila bruker flere aliaser (&/*) enn grensen på ${MAX_ALIAS_COUNT} og leses ikke; slik bruk kan blåse opp dokumentet («alias bomb»).`,
              `The YAML file uses more aliases (&/*) than the limit of ${MAX_ALIAS_COUNT} and is not read; such use can blow the document up (an "alias bomb").`,
            ),
            at: {},
          },
        };
      }
      return { ok: false, problem: { message: message(`YAML-fila kan ikke leses: ${(error as Error).message}`, `The YAML file cannot be read: ${(error as Error).message}`), at: {} } };
    }
  }
  if (tooDeep(value)) {
    return { ok: false, problem: { message: message(`Dokumentet er nøstet dypere enn ${MAX_DEPTH} nivåer og leses ikke.`, `The document is nested deeper than ${MAX_DEPTH} levels and is not read.`), at: {} } };
  }
  return { ok: true, value, bom: decoded.bom };
}
