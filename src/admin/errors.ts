import { E } from '../errors/app-error.ts';

export const AdminUnauthorizedError = E('admin_unauthorized', 401);
export const ClientNotFoundError = E('client_not_found', 404);
export const ClientExistsError = E('client_exists', 409);
export const ClientManagedByFileError = E('client_managed_by_file', 409);
export const ClientRevisionConflictError = E('client_revision_conflict', 409);
export const InvalidClientMetadataError = E('invalid_client_metadata', 400);
export const ClientSecretKeyMissingError = E('client_secret_key_missing', 400);
export const ClientSecretMustRotateError = E('client_secret_must_rotate', 409);
export const ClientHasNoSecretError = E('client_has_no_secret', 409);
