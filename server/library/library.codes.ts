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

export const SOURCE_KINDS = ['law', 'regulation', 'standard', 'guidance', 'contract-template'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

export const PARAMETER_TYPES = ['integer', 'number', 'text', 'choice', 'choices'] as const;
export type ParameterType = (typeof PARAMETER_TYPES)[number];

export const LANGUAGES = ['nb', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** The 30 themes of shared/SOURCES.md the first library must cover, numbered as there. */
export const THEME_COUNT = 30;
