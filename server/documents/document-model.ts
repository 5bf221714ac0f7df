/**
 * Everything a generated tender document needs, already resolved: texts rendered with the
 * tender's parameter values, in the tender's language. Builders of DOCX and XLSX files take
 * this model and nothing else, so the same revision always gives the same content.
 */
export type DocumentLanguage = 'nb' | 'en';
export type RequirementType = 'A' | 'V' | 'AV';

export type DocumentItem = {
  /** Position in the document, "2.3" = section 2, item 3. */
  number: string;
  /** Library key (EXP-001) or the tender's own key for items written in the tender (T-001). */
  key: string;
  /** Library version the item is pinned to; null for items written in the tender. */
  version: string | null;
  fromLibrary: boolean;
  kind: 'requirement' | 'clause';
  type: RequirementType;
  /** Weight of evaluated items (V, AV); null for absolute-only items. */
  weight: number | null;
  title: string;
  /** The requirement or clause text with parameter values filled in. */
  text: string;
  /** "Krav til besvarelse": what the vendor must answer or document. */
  responseGuidance: string;
};

export type DocumentSection = { number: string; title: string; items: DocumentItem[] };

/** One of the buyer's documented local deviations from a joint requirement set. */
export type DocumentDeviation = {
  /** The deviation's id in the joint set (absent in revisions issued before it was recorded). */
  id?: string;
  key: string;
  title: string;
  /** The buyer leaves the item out of its tenders. */
  excluded: boolean;
  /** Type, weight and parameter values the buyer uses instead of the joint set's ("type", "weight", or a parameter name). */
  changes: { field: string; from: string; to: string }[];
  justification: string;
};

/** The joint requirement set a tender started from: who it is coordinated with, and how the buyer deviates. */
export type DocumentCoordination = {
  /** The joint set's and the revision's ids (absent in revisions issued before they were recorded). */
  setId?: string;
  revisionId?: string;
  setTitle: string;
  revision: number;
  /** ISO date the revision was adopted. */
  adoptedOn: string | null;
  /** Organisations that signed the revision. */
  organisations: string[];
  /** The same signatories with their organisation ids; null for signatures imported from another installation. */
  signatories?: { organisationId: string | null; name: string }[];
  deviations: DocumentDeviation[];
};

export type TenderDocumentModel = {
  tenderId: string;
  language: DocumentLanguage;
  title: string;
  reference: string;
  /** Issued revision number; 0 while the tender has not been issued (the document is a draft). */
  revision: number;
  isDraft: boolean;
  /** ISO date (YYYY-MM-DD) of issue, or of generation for a draft. */
  date: string;
  /** Buyer organisation names; the first is the tender's owner, the rest co-buyers. */
  buyers: string[];
  /** The same buyers with their organisation ids (absent in revisions issued before they were recorded). */
  buyerOrganisations?: { id: string; name: string }[];
  contact: { name: string; email: string } | null;
  /** ISO date of the tender deadline. */
  deadline: string | null;
  description: string;
  /** Domain label in the document language, or null for all domains. */
  domain: string | null;
  sections: DocumentSection[];
  /** Set when the tender started from an adopted revision of a joint requirement set. */
  coordination?: DocumentCoordination | null;
};
