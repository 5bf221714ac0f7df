import { z } from 'zod';

/**
 * The file format of DFØ's Kravbank, as far as Datakrav reads and writes it: a bank (IBank:
 * needs, requirements with variants and their questions, code lists) and a specification
 * (ISpecification: a bank with the chosen variants and their weights). Modelled on the public
 * data model of the `dfo-no/krb-webclient` repository (`src/Nexus/entities/`). Fields Datakrav
 * does not use are accepted and left alone (loose objects), so a file from a newer Kravbank with
 * more fields still reads.
 */

export const QUESTION_TYPES = ['Q_CHECKBOX', 'Q_CODELIST', 'Q_CONFIRMATION', 'Q_FILEUPLOAD', 'Q_PERIOD_DATE', 'Q_SLIDER', 'Q_TEXT', 'Q_TIME'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

const id = z.string().trim().min(1, 'must not be empty').max(200);
const text = z.string().max(20_000).nullish().transform((v) => (v ?? '').trim());
const title = z.string().trim().min(1, 'must not be empty').max(2_000);
const source = { sourceOriginal: z.string().max(500).nullish(), sourceRel: z.string().max(500).nullish() };

const config = <T extends z.ZodRawShape>(shape: T) => z.looseObject({ defaultPoint: z.number().optional(), ...shape });

export const questionSchema = z.discriminatedUnion('type', [
  z.looseObject({ id, type: z.literal('Q_CHECKBOX'), config: config({ preferedAlternative: z.boolean().optional(), pointsNonPrefered: z.number().optional() }).optional(), ...source }),
  z.looseObject({
    id,
    type: z.literal('Q_CODELIST'),
    config: config({
      codelist: id,
      mandatoryCodes: z.array(z.string()).default([]),
      optionalCodes: z.array(z.string()).default([]),
      optionalCodeMinAmount: z.number().optional(),
      optionalCodeMaxAmount: z.number().optional(),
    }),
    ...source,
  }),
  z.looseObject({ id, type: z.literal('Q_CONFIRMATION'), config: config({}).optional(), ...source }),
  z.looseObject({ id, type: z.literal('Q_FILEUPLOAD'), config: config({ fileEndings: z.array(z.string().max(20)).max(50).default([]), allowMultipleFiles: z.boolean().optional() }).optional(), ...source }),
  z.looseObject({ id, type: z.literal('Q_PERIOD_DATE'), config: config({ isPeriod: z.boolean().optional(), fromBoundary: z.string().nullish(), toBoundary: z.string().nullish() }).optional(), ...source }),
  z.looseObject({ id, type: z.literal('Q_SLIDER'), config: config({ min: z.number(), max: z.number(), step: z.number().optional(), unit: z.string().max(100).default('') }), ...source }),
  z.looseObject({ id, type: z.literal('Q_TEXT'), config: config({ max: z.number().int().positive().optional() }).optional(), ...source }),
  z.looseObject({ id, type: z.literal('Q_TIME'), config: config({ isPeriod: z.boolean().optional(), fromBoundary: z.string().nullish(), toBoundary: z.string().nullish() }).optional(), ...source }),
]);
export type KravbankQuestion = z.infer<typeof questionSchema>;

export const variantSchema = z.looseObject({
  id,
  description: text,
  requirementText: text,
  instruction: text,
  type: z.enum(['requirement', 'info']).default('requirement'),
  useProduct: z.boolean().optional(),
  useSpesification: z.boolean().optional(),
  useQualification: z.boolean().optional(),
  products: z.array(z.string()).default([]),
  questions: z.array(questionSchema).max(50).default([]),
});
export type KravbankVariant = z.infer<typeof variantSchema>;

export const requirementSchema = z.looseObject({ id, title, description: text, needId: z.string().optional(), variants: z.array(variantSchema).max(100).default([]), ...source });
export type KravbankRequirement = z.infer<typeof requirementSchema>;

export const needSchema = z.looseObject({ id, title, description: text, parent: z.string().nullish(), requirements: z.array(requirementSchema).max(2_000).default([]), ...source });
export type KravbankNeed = z.infer<typeof needSchema>;

export const codeSchema = z.looseObject({ id, title, description: text, parent: z.string().nullish() });
export const codelistSchema = z.looseObject({ id, title, description: text, codes: z.array(codeSchema).max(5_000).default([]) });
export type KravbankCodelist = z.infer<typeof codelistSchema>;

export const bankSchema = z.looseObject({
  id,
  title,
  description: text,
  type: z.literal('bank').optional(),
  version: z.number().int().nonnegative().optional(),
  needs: z.array(needSchema).max(2_000),
  codelist: z.array(codelistSchema).max(500).default([]),
  products: z.array(z.looseObject({ id, title })).default([]),
  publishedDate: z.string().nullish(),
  ...source,
});
export type KravbankBank = z.infer<typeof bankSchema>;

export const requirementAnswerSchema = z.looseObject({
  id,
  variantId: id,
  questionId: z.string().optional(),
  weight: z.number().min(0).max(1_000).default(0),
  requirement: z.looseObject({ id }),
});

export const specificationSchema = z.looseObject({
  title,
  organization: z.string().max(500).default(''),
  organizationNumber: z.string().max(20).default(''),
  bank: bankSchema,
  requirements: z.array(z.string()).default([]),
  requirementAnswers: z.array(requirementAnswerSchema).max(10_000).default([]),
});

/** A Kravbank file: a bank, or a specification that carries its bank. */
export const kravbankFileSchema = z.union([specificationSchema, bankSchema]);

/** Reads a Kravbank file by its shape (a specification has `bank`), so an error names the field that is wrong. */
export function parseKravbankFile(raw: unknown) {
  const isSpec = typeof raw === 'object' && raw !== null && 'bank' in raw;
  return isSpec ? specificationSchema.safeParse(raw) : bankSchema.safeParse(raw);
}
export type KravbankFile = z.infer<typeof kravbankFileSchema>;

export function isSpecification(file: KravbankFile): file is z.infer<typeof specificationSchema> {
  return 'bank' in file && typeof file.bank === 'object' && file.bank !== null;
}

/** What Datakrav writes: a specification with its bank, in the shape Kravbank's schemas ask for. */
export type KravbankExport = {
  id: string;
  title: string;
  organization: string;
  organizationNumber: string;
  products: never[];
  requirements: string[];
  requirementAnswers: {
    id: string;
    questionId: string;
    weight: number;
    variantId: string;
    type: 'requirementAnswer';
    question: Record<string, unknown>;
    requirement: ExportedRequirement;
  }[];
  bank: {
    id: string;
    title: string;
    description: string;
    type: 'bank';
    version: number;
    publishedDate: string | null;
    needs: { id: string; title: string; description: string; type: 'need'; parent: string; sourceOriginal: null; sourceRel: null; requirements: ExportedRequirement[] }[];
    codelist: never[];
    products: never[];
    publications: never[];
    inheritedBanks: never[];
    projectId: null;
    deletedDate: null;
    sourceOriginal: string;
    sourceRel: null;
  };
};

export type ExportedRequirement = {
  id: string;
  title: string;
  description: string;
  needId: string;
  type: 'requirement';
  sourceOriginal: string;
  sourceRel: null;
  variants: {
    id: string;
    description: string;
    requirementText: string;
    instruction: string;
    useProduct: false;
    useSpesification: true;
    useQualification: false;
    products: never[];
    type: 'requirement';
    questions: Record<string, unknown>[];
  }[];
};
