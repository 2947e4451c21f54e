// The error factory: what E() and codeOnly() declare, and how the edge answers the store's errors.
import assert from 'node:assert/strict';
import { AccountNotFoundError, WeakPasswordError } from '../accounts/errors.ts';
import { ConfigError } from '../config/config-error.ts';
import { RecoveryRequestDecidedError } from '../flows/recovery/errors.ts';
import { asAppError } from '../http/error-handler.ts';
import { PushDeliveryError } from '../notify/errors.ts';
import { DuplicateKeyError, StoreUnavailableError } from '../store/errors.ts';
import { AppError, CodedError, E } from './app-error.ts';
import { InvalidInputError, NotFoundError } from './http-errors.ts';

describe('errors declared with E(code, status)', () => {
  it('sets code, status, name and the text in every language', () => {
    const err = new AccountNotFoundError();
    assert.ok(err instanceof AccountNotFoundError && err instanceof AppError && err instanceof Error);
    assert.equal(err.code, 'account_not_found');
    assert.equal(err.status, 404);
    assert.equal(err.name, 'AccountNotFoundError');
    assert.equal(err.message, 'The account no longer exists.');
    assert.deepEqual(err.messages, { ja: 'アカウントが存在しません。', en: 'The account no longer exists.' });
    assert.equal(AccountNotFoundError.code, 'account_not_found');
    assert.equal(AccountNotFoundError.status, 404);
  });

  it('keeps positional arguments and carries the values its text takes', () => {
    const field = new InvalidInputError('email');
    assert.equal(field.field, 'email');
    assert.equal(field.messages.ja, '「email」の入力内容を確認してください。');
    assert.equal(new InvalidInputError().messages.en, 'The request could not be read. Please check what you entered.');
    const decided = new RecoveryRequestDecidedError('approved');
    assert.equal(decided.status, 409, 'a value never overwrites the HTTP status');
    assert.equal(decided.state, 'approved');
    assert.match(decided.messages.en, /\(it is approved\)/);
    const config = new ConfigError('PORT', 'must be a number', '数値である必要があります');
    assert.equal(config.setting, 'PORT');
    assert.deepEqual(config.messages, { ja: 'PORT: 数値である必要があります', en: 'PORT: must be a number' });
  });

  it('takes localized values: each language picks its own', () => {
    const err = new WeakPasswordError({ ja: '推測されやすい並びです。', en: 'A common sequence.' });
    assert.deepEqual(err.messages, {
      ja: 'このパスワードは推測されやすいため使えません。推測されやすい並びです。',
      en: 'This password is too easy to guess. A common sequence.',
    });
  });

  it('takes { cause } after the values', () => {
    const cause = new Error('socket hang up');
    const err = new PushDeliveryError(null, { cause });
    assert.equal(err.pushStatus, null);
    assert.equal(err.cause, cause);
    assert.equal(new NotFoundError({ cause }).cause, cause);
  });

  it('declares independent classes for the same code', () => {
    const Other = E('not_found', 404);
    assert.ok(!(new Other() instanceof NotFoundError));
  });
});

describe('store errors (codeOnly)', () => {
  it('carry a code and the facts but no HTTP status', () => {
    const err = new DuplicateKeyError('email', { cause: new Error('E11000') });
    assert.ok(err instanceof CodedError && !(err instanceof AppError));
    assert.equal(err.code, 'duplicate_key');
    assert.equal(err.field, 'email');
    assert.equal('status' in err, false);
    assert.equal(err.messages.ja, 'このメールアドレスはすでに使われています。');
  });

  it('get their status at the edge', () => {
    assert.equal(asAppError(new DuplicateKeyError('email'))?.status, 409);
    assert.equal(asAppError(new StoreUnavailableError())?.status, 503);
    assert.equal(asAppError(new StoreUnavailableError())?.code, 'store_unavailable');
    const app = new NotFoundError();
    assert.equal(asAppError(app), app);
    assert.equal(asAppError(new Error('boom')), undefined);
  });
});
