/**
 * Code lists of the requirement library. The codes are stable identifiers used in the
 * YAML files, the database and the API; labels live in the locale files.
 */
export const ITEM_KINDS = ['requirement', 'clause'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

export const ITEM_STATUSES = ['draft', 'published', 'deprecated'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

/** Values for a library item's parameters, by parameter name, as a tender, joint set or deviation stores them. */
export type ParameterValueMap = Record<string, unknown>;

export const REQUIREMENT_TYPES = ['A', 'V', 'AV'] as const;
export type RequirementType = (typeof REQUIREMENT_TYPES)[number];

export const CATEGORIES = [
  'data-ownership',
  'export',
  'api',
  'formats-standards',
  'documentation-data-model',
  'exit-transition',
  'pricing',
  'privacy-processing',
  'security-access',
  'archive',
  'sensors-realtime',
  'transparency',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const DOMAINS = [
  'all',
  'school',
  'kindergarten',
  'health-care',
  'child-welfare',
  'social-services',
  'case-archive',
  'finance',
  'hr',
  'planning-geodata',
  'water-sewer',
  'transport',
  'culture',
] as const;
export type Domain = (typeof DOMAINS)[number];

export const VERIFICATION_METHODS = [
  'document-review',
  'contract-review',
  'price-schedule-review',
  'demonstration',
  'sample-export',
  'api-description-check',
  'api-test',
  'certificate',
  'declaration',
] as const;
export type VerificationMethod = (typeof VERIFICATION_METHODS)[number];

/**
 * When a check can be made: while the tenders are evaluated, at acceptance of the delivery, or
 * during operation. Many checks can only be made after award.
 */
export const VERIFICATION_PHASES = ['tender', 'acceptance', 'operation'] as const;
export type VerificationPhase = (typeof VERIFICATION_PHASES)[number];

/** The state standard agreements (SSA) a clause can be placed in; each is also a registered source. */
export const SSA_AGREEMENTS = ['ssa-l', 'ssa-s', 'ssa-d', 'ssa-v'] as const;
export type SsaAgreement = (typeof SSA_AGREEMENTS)[number];

/**
 * The annex of an SSA a clause belongs in, named by its role, because the annex numbers differ
 * between the agreements and their versions.
 */
export const SSA_ANNEXES = ['general-terms-changes', 'prices', 'service-levels', 'data-processing-agreement'] as const;
export type SsaAnnex = (typeof SSA_ANNEXES)[number];

/**
 * How a clause stands to the SSA's general terms: `prevails` where it changes them (and so goes
 * in the annex for changes to the general terms, which the agreement ranks above its general
 * text), `supplements` where it adds duties the general terms do not regulate.
 */
export const SSA_PRECEDENCE = ['prevails', 'supplements'] as const;
export type SsaPrecedence = (typeof SSA_PRECEDENCE)[number];

export const SOURCE_KINDS = ['law', 'regulation', 'standard', 'guidance', 'contract-template'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

export const PARAMETER_TYPES = ['integer', 'number', 'text', 'choice', 'choices'] as const;
export type ParameterType = (typeof PARAMETER_TYPES)[number];

export const LANGUAGES = ['nb', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** The 30 themes of shared/SOURCES.md the first library must cover, numbered as there. */
export const THEME_COUNT = 30;
