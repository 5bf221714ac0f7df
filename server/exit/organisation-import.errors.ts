import { AppError } from '../shared/errors';

export const importOrganisationMissing = (organisationId: string) =>
  new AppError('exit.import_organisation_missing', 400, `The manifest says this is an export of organisation ${organisationId}, but data/organisations.jsonl does not hold it.`, { extensions: { organisationId } });

export const importOrganisationExists = (name: string, existing: { name: string; orgNumber: string | null }[]) =>
  new AppError(
    'exit.import_organisation_exists',
    409,
    `This installation already has an organisation with the name or organisation number of "${name}" (${existing.map((o) => (o.orgNumber ? `${o.name}, ${o.orgNumber}` : o.name)).join('; ')}). An organisation export is imported as a new organisation, so nothing was imported; rename or remove the existing one first.`,
    { extensions: { organisation: name, existing } },
  );

export const importLibraryConflict = (items: string[]) =>
  new AppError(
    'exit.import_library_conflict',
    409,
    `The export holds library items whose key and version this installation has with other content: ${items.join(', ')}. A published version never changes, so nothing was imported.`,
    { extensions: { items } },
  );

export const importAuditChainBroken = (detail: string) =>
  new AppError('exit.import_audit_chain_broken', 422, `The organisation's audit log in the export does not verify: ${detail} Nothing was imported.`);

export const importAuditHeadMismatch = (chain: string, expected: { chainSeq: number; entryHash: string }, actual: { chainSeq: number; entryHash: string } | null) =>
  new AppError(
    'exit.import_audit_head_mismatch',
    422,
    `The audit chain ${chain} in the export ends ${actual ? `at entry ${actual.chainSeq} (${actual.entryHash})` : 'with no entries'}, but the manifest says entry ${expected.chainSeq} (${expected.entryHash}): entries were removed or added. Nothing was imported.`,
    { extensions: { chain } },
  );
