import { AppError } from '../shared/errors';

export const vendorNotFound = () => new AppError('vendor.not_found', 404, 'No such vendor, or it is not visible to you.');
export const vendorRegisterRoleRequired = () =>
  new AppError('vendor.register_role_required', 403, 'Registering vendors needs the owner, editor or assessor role in a buyer organisation or architecture council.');
export const vendorEditorRequired = () =>
  new AppError('vendor.editor_required', 403, 'Changing this vendor and its products needs the owner or editor role in the vendor, or the owner, editor or assessor role in a buyer organisation or architecture council.');
export const vendorInviteRoleRequired = () =>
  new AppError('vendor.invite_role_required', 403, 'Inviting vendor contacts needs the owner, editor or assessor role in a buyer organisation or architecture council, or the owner role in the vendor.');
export const vendorRequired = () =>
  new AppError('vendor.vendor_required', 400, 'You may edit products for more than one vendor; say which one in vendorId.', { errors: [{ path: 'vendorId', message: 'is required' }] });

export const productNotFound = () => new AppError('product.not_found', 404, 'No such product, or it is not visible to you.');
export const duplicateProduct = () =>
  new AppError('product.duplicate', 409, 'The vendor already has a product with this name.', { errors: [{ path: 'name', message: 'is already used by this vendor' }] });
export const versionNotFound = () => new AppError('product.version_not_found', 404, 'No such version of this product.');
export const duplicateVersion = () =>
  new AppError('product.version_duplicate', 409, 'The product already has a version with this label.', { errors: [{ path: 'label', message: 'is already used for this product' }] });

export const usageNotFound = () => new AppError('usage.not_found', 404, 'No such usage, or it does not belong to your organisation.');
export const usageEditorRequired = () => new AppError('usage.editor_required', 403, 'Only editors and owners of the buyer organisation can change its usages.');
export const buyerRequired = () =>
  new AppError('usage.buyer_required', 403, 'Usages and lock-in exposure belong to a buyer organisation; you need a role in one.', { errors: [{ path: 'organisationId', message: 'must be a buyer organisation you belong to' }] });
export const organisationRequired = () =>
  new AppError('usage.organisation_required', 400, 'Say which buyer organisation in organisationId.', { errors: [{ path: 'organisationId', message: 'is required' }] });
export const notABuyer = () =>
  new AppError('usage.not_a_buyer', 422, 'Usages and lock-in exposure belong to a buyer organisation (municipality or county).', { errors: [{ path: 'organisationId', message: 'must be a buyer organisation' }] });
export const contractDatesReversed = () =>
  new AppError('usage.contract_dates', 422, 'The contract cannot end before it starts.', { errors: [{ path: 'contractEnd', message: 'must be on or after the contract start' }] });
