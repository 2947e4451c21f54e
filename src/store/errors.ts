// What the store throws. These carry a code and the facts, never an HTTP status: the edge
// (http/error-handler.ts) decides what a caller is answered. Texts: i18n/<lang>/errors.ts.
import { codeOnly } from '../errors/app-error.ts';

/** A unique field (e-mail, user code, ...) is already taken; `field` names it. */
export const DuplicateKeyError = codeOnly('duplicate_key', (field: string) => ({ field }));

/**
 * A consume-once record (authorization code, refresh token, device code, ...) was already consumed,
 * or vanished, by the time this caller tried to consume it: a second, possibly concurrent, use.
 */
export const AlreadyConsumedError = codeOnly('already_consumed');

/** The store could not be reached or refused the operation. */
export const StoreUnavailableError = codeOnly('store_unavailable');

/** The record changed since the caller read it (another edit came first); `revision` is the one it has now. */
export const RevisionConflictError = codeOnly('revision_conflict', (revision: number) => ({ revision }));
