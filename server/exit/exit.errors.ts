import { AppError } from '../shared/errors';

export const exportNotFound = () => new AppError('exit.export_not_found', 404, 'No such export.');
export const exportNotReady = (state: string) => new AppError('exit.export_not_ready', 409, `The export is not ready yet (it is ${state}).`, { extensions: { state } });
export const installationExportAdminOnly = () => new AppError('exit.admin_required', 403, 'Only an administrator can export the whole installation.');
export const organisationRequired = () => new AppError('exit.organisation_required', 400, 'Name the organisation to export.', { errors: [{ path: 'body.organisationId', message: 'is required when scope is organisation' }] });
export const backupAdminOnly = () => new AppError('exit.backup_admin_required', 403, 'Only an administrator can take a backup.');
export const backupOnPostgres = () => new AppError('exit.backup_use_pg_dump', 409, 'This installation runs on PostgreSQL: take backups with pg_dump (see the README).');

export const importAdminOnly = () => new AppError('exit.import_admin_required', 403, 'Only an administrator of this installation can import an export.');
export const importOwnerOrAdminOnly = () => new AppError('exit.import_owner_required', 403, 'Only an administrator or an owner of an organisation can import an organisation export.');
export const importFileRequired = () => new AppError('exit.import_file_required', 400, 'Choose the export (zip) to import.', { errors: [{ path: 'body.file', message: 'is required' }] });
export const importNotFound = () => new AppError('exit.import_not_found', 404, 'No such import.');
export const importNotZip = (detail: string) => new AppError('exit.import_not_zip', 400, `The file is not a complete zip archive, so it may be cut off or not an export at all (${detail}).`);
export const importUnsafePath = (name: string) => new AppError('exit.import_unsafe_path', 400, `The archive holds an entry named "${name}", which points outside the archive (absolute or with ".."); an export never does.`, { extensions: { entry: name } });
export const importDuplicateEntry = (name: string) => new AppError('exit.import_duplicate_entry', 400, `The archive holds the entry "${name}" more than once.`, { extensions: { entry: name } });
export const importEncryptedEntry = (name: string) => new AppError('exit.import_encrypted_entry', 400, `The entry "${name}" is encrypted; an export never is.`, { extensions: { entry: name } });
export const importEntryTooLarge = (name: string, bytes: number, limit: number) =>
  new AppError('exit.import_entry_too_large', 413, `The entry "${name}" expands to ${bytes} bytes, more than the ${limit} bytes this installation accepts per entry (IMPORT_ENTRY_LIMIT).`, { extensions: { entry: name, bytes, limit } });
export const importExpandsTooLarge = (limit: number) => new AppError('exit.import_expands_too_large', 413, `The archive expands to more than the ${limit} bytes this installation accepts (IMPORT_EXPANDED_LIMIT).`, { extensions: { limit } });
export const importCompressionTooHigh = (name: string, ratio: number, limit: number) =>
  new AppError('exit.import_compression_ratio', 400, `The entry "${name}" expands ${ratio} times its compressed size, more than ${limit} times: that is how a zip bomb looks, not an export.`, { extensions: { entry: name, ratio, limit } });
export const importEntrySizeWrong = (name: string, detail: string) => new AppError('exit.import_entry_damaged', 400, `The entry "${name}" is damaged or holds another size than the archive declares (${detail}).`, { extensions: { entry: name } });
export const importManifestMissing = () => new AppError('exit.import_manifest_missing', 400, 'The archive has no manifest.json, so it is not a Datakrav export.');
export const importManifestInvalid = (detail: string) => new AppError('exit.import_manifest_invalid', 400, `The manifest.json is not a valid export manifest: ${detail}.`);
export const importRowInvalid = (file: string, line: number, detail: string) => new AppError('exit.import_row_invalid', 400, `Line ${line} of ${file} is not valid JSON (${detail}).`, { extensions: { entry: file, line } });
export const importNewerFormat = (version: number, supported: number) =>
  new AppError('exit.import_newer_format', 400, `The export is in format version ${version}, newer than this version of Datakrav reads (up to ${supported}). Upgrade Datakrav, then import it.`, { extensions: { formatVersion: version, supported } });
export const importFileMissing = (name: string) => new AppError('exit.import_file_missing', 400, `The manifest names the file "${name}", but the archive does not hold it.`, { extensions: { entry: name } });
export const importUnlistedFile = (name: string) => new AppError('exit.import_unlisted_file', 400, `The archive holds "${name}", which the manifest does not name.`, { extensions: { entry: name } });
export const importChecksumMismatch = (name: string, actual: { sha256: string; bytes: number }, expected: { sha256: string; bytes: number }) =>
  new AppError('exit.import_checksum_mismatch', 400, `The file "${name}" does not match the manifest: its SHA-256 is ${actual.sha256} (${actual.bytes} bytes), the manifest says ${expected.sha256} (${expected.bytes} bytes).`, {
    extensions: { entry: name, sha256: actual.sha256, expectedSha256: expected.sha256 },
  });
export const importNotEmpty = (what: string) =>
  new AppError('exit.import_not_empty', 409, `An installation export is imported only into an empty installation, and this one already holds ${what}. Start a new installation (an empty database) and import there.`, { extensions: { holds: what } });
