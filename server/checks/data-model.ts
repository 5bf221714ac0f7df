import { z } from 'zod';
import type { ParsedDocument } from './documents';
import { baseName } from './text';

/**
 * The vendor's description of an export, in a small format of Datakrav's own (YAML or JSON,
 * recognised by its first key `datakravDataModel: 1`; documented in CONTEXT.md):
 *
 * ```yaml
 * datakravDataModel: 1
 * files:
 *   - path: elever.csv          # the file, or its path inside the zip
 *     format: csv               # csv | json | jsonl | xml
 *     delimiter: ";"            # csv; detected from the header line when left out
 *     encoding: utf-8           # csv: utf-8 (default), windows-1252 or iso-8859-1
 *     primaryKey: [elevId]
 *     fields:
 *       - elevId
 *       - { name: fodselsdato, type: date }
 *   - path: skoler.json
 *     format: json
 *     records: /skoler          # json: JSON pointer to the array of records (default: the top)
 *   - path: klasser.xml
 *     format: xml
 *     recordElement: klasse     # xml: the element that holds one record (default: the top's children)
 * ```
 */
const fieldName = z.string().trim().min(1).max(200);

export const FIELD_TYPES = ['string', 'integer', 'number', 'boolean', 'date', 'date-time'] as const;

const fieldSchema = z.union([fieldName.transform((name) => ({ name, type: undefined })), z.strictObject({ name: fieldName, type: z.enum(FIELD_TYPES).optional() })]);

export const dataModelFileSchema = z.strictObject({
  path: z.string().trim().min(1).max(500),
  format: z.enum(['csv', 'json', 'jsonl', 'xml']).optional(),
  delimiter: z.enum([',', ';', '\t', '|']).optional(),
  encoding: z.enum(['utf-8', 'windows-1252', 'iso-8859-1']).optional(),
  records: z.string().regex(/^(\/.*)?$/, 'must be a JSON pointer such as /elever').optional(),
  recordElement: z.string().trim().min(1).max(200).optional(),
  primaryKey: z.array(fieldName).min(1).max(20).optional(),
  fields: z.array(fieldSchema).max(2000).default([]),
});
export type DataModelFile = z.output<typeof dataModelFileSchema>;

export const dataModelSchema = z.strictObject({
  datakravDataModel: z.literal(1),
  name: z.string().max(500).optional(),
  files: z.array(dataModelFileSchema).min(1).max(1000),
});
export type DataModel = z.output<typeof dataModelSchema>;

export type LoadedDataModel = { ok: true; model: DataModel } | { ok: false; errors: string[] };

export function readDataModel(document: ParsedDocument | null): LoadedDataModel {
  if (!document || !document.ok) return { ok: false, errors: [document && !document.ok ? document.problem.message.en : 'not read'] };
  const parsed = dataModelSchema.safeParse(document.value);
  if (!parsed.success) return { ok: false, errors: parsed.error.issues.slice(0, 20).map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`) };
  return { ok: true, model: parsed.data };
}

/** A data model entry names a file by its path in the zip, or by its name alone. */
export function describes(entry: DataModelFile, name: string): boolean {
  const wanted = entry.path.replace(/^\.?\//, '');
  return wanted === name || (!wanted.includes('/') && wanted === baseName(name));
}
