import { AppError } from '../shared/errors';

export const exportNotFound = () => new AppError('exit.export_not_found', 404, 'No such export.');
export const exportNotReady = (state: string) => new AppError('exit.export_not_ready', 409, `The export is not ready yet (it is ${state}).`, { extensions: { state } });
export const installationExportAdminOnly = () => new AppError('exit.admin_required', 403, 'Only an administrator can export the whole installation.');
export const organisationRequired = () => new AppError('exit.organisation_required', 400, 'Name the organisation to export.', { errors: [{ path: 'body.organisationId', message: 'is required when scope is organisation' }] });
export const backupAdminOnly = () => new AppError('exit.backup_admin_required', 403, 'Only an administrator can take a backup.');
export const backupOnPostgres = () => new AppError('exit.backup_use_pg_dump', 409, 'This installation runs on PostgreSQL: take backups with pg_dump (see the README).');
