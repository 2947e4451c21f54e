// Both places that read and write signed cookies use the keygrip-compatible CookieSigner: koa's
// context (tobira's routes, and oidc-provider's endpoints once mounted) and oidc-provider's own
// context (interactionDetails, Session.get). Either one left on an array of keys would build a
// Keygrip per request and compare through tsscmp again.
import assert from 'node:assert/strict';
import { buildApp } from '../../src/app/app.ts';
import { loadSettings } from '../../src/config/settings.ts';
import { CookieSigner } from '../../src/http/cookie-signer.ts';
import { createLogger } from '../../src/log.ts';
import { createMemoryStore } from '../../src/store/memory/index.ts';

describe('signed cookies: one signer for the app and the provider', () => {
  it('koa and oidc-provider sign with a CookieSigner, not a keygrip of the key list', async () => {
    const { app, provider } = await buildApp(loadSettings({ NODE_ENV: 'test', DEMO: 'false' }), createMemoryStore(), createLogger('silent'));
    assert.ok(app.keys instanceof CookieSigner);
    assert.ok((provider as unknown as { keys: unknown }).keys instanceof CookieSigner);
  });
});
