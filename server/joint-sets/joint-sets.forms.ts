import { z } from 'zod';
import { REQUIREMENT_TYPES } from '../library/library.codes';
import { coerceFormValues } from '../library/library.forms';
import { itemKeySchema, type Parameter } from '../library/library.schemas';
import { badRequest } from '../shared/errors';
import { anyForm } from '../shared/http/forms';
import { fieldErrors } from '../shared/http/validate';
import type { DeviationInput } from './joint-set-deviations.service';
import type { ItemUpdate } from './joint-set-editing.service';
import type { ItemView } from './joint-sets.content';
import { deviationSchema, itemUpdateSchema } from './joint-sets.schemas';
import { versionField } from '../shared/versioning';

const blankToUndefined = (v: unknown) => (v === '' ? undefined : v);
const weight = z.coerce.number().int().min(0).max(100);
const organisationId = z.preprocess(blankToUndefined, z.uuid().optional());

/** Library keys typed into one field, separated by spaces, commas or new lines. */
export const addItemsFormSchema = z.strictObject({ keys: z.string().trim().min(1, 'name at least one library key').max(5000) });
export const itemFormSchema = z.strictObject({ type: z.enum(REQUIREMENT_TYPES), weight, sectionId: z.uuid().optional(), values: anyForm.optional(), version: versionField });
export const deviationFormSchema = z.strictObject({
  kind: z.enum(['exclude', 'change']),
  type: z.preprocess(blankToUndefined, z.enum(REQUIREMENT_TYPES).optional()),
  weight: z.preprocess(blankToUndefined, weight.optional()),
  values: anyForm.optional(),
  justification: z.string().trim().min(10, 'must be at least 10 characters: say why').max(5000),
  organisationId,
  version: deviationSchema.shape.version,
});
export const withdrawFormSchema = z.strictObject({ organisationId });

/** Parameter values from a form: one field per parameter, lists as comma-separated text. */
export function parameterFormValues(parameters: Parameter[], raw: unknown): Record<string, unknown> {
  const source = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const split = Object.fromEntries(
    parameters.map((p) => {
      const v = source[p.name];
      return [p.name, p.type === 'choices' && typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v];
    }),
  );
  return coerceFormValues(parameters, split);
}

/** The keys of the add-items form; anything that is not a list of library keys is 400 with `badKeys`. */
export function keysFromForm(text: string, badKeys: string): string[] {
  const keys = z.array(itemKeySchema).min(1).max(500).safeParse(text.split(/[\s,]+/).filter(Boolean));
  if (!keys.success) throw badRequest('validation.failed', badKeys, [{ path: 'keys', message: badKeys }]);
  return keys.data;
}

/** The item form as a change to the item: its parameters' fields turned into values of the parameters' types. */
export function itemUpdateFromForm(body: z.output<typeof itemFormSchema>, item: ItemView | undefined): ItemUpdate {
  const parsed = itemUpdateSchema.safeParse({ type: body.type, weight: body.weight, sectionId: body.sectionId, parameterValues: item?.library ? parameterFormValues(item.library.parameters, body.values) : undefined, version: body.version });
  if (!parsed.success) throw badRequest('validation.failed', 'The item form has invalid values.', fieldErrors(parsed.error));
  return parsed.data;
}

/**
 * The deviation form as a deviation. The form shows the set's own type, weight and values, so
 * only what differs from them is the organisation's deviation.
 */
export function deviationFromForm(body: z.output<typeof deviationFormSchema>, item: ItemView | undefined): DeviationInput {
  if (body.kind === 'exclude') return { kind: 'exclude', justification: body.justification, organisationId: body.organisationId, version: body.version };
  const values = item?.library ? parameterFormValues(item.library.parameters, body.values) : {};
  const changed = Object.fromEntries(Object.entries(values).filter(([name, value]) => JSON.stringify(value) !== JSON.stringify(item?.parameterValues[name] ?? item?.library?.parameters.find((p) => p.name === name)?.default)));
  return {
    kind: 'change',
    type: body.type !== item?.type ? body.type : undefined,
    weight: body.weight !== item?.weight ? body.weight : undefined,
    parameterValues: Object.keys(changed).length > 0 ? changed : undefined,
    justification: body.justification,
    organisationId: body.organisationId,
    version: body.version,
  };
}
