// The console's partners pages over HTTP, the steps the browser suite does not take: a duplicate
// client_id refused on its field, an edit on the revision read (someone else's edit in between is
// refused), a new secret shown once with the old one refused at once, enabling, a confirmed
// delete, read-only partners of the clients file, and forms without the CSRF token refused.
import assert from 'node:assert/strict';
import type * as oidc from 'openid-client';
import type { Store } from '../../src/store/types.ts';
import { type Page } from '../support/http-browser.ts';
import { discover, partnerClient } from '../support/partner.ts';
import { consoleCsrf, openConsole, passkeyMember, type TestOperator } from '../support/operators.ts';
import { freshStore, FEATURE_STORES } from '../support/stores.ts';
import { startTobira, type RunningTobira } from '../support/tobira.ts';

/** Whether tobira's token endpoint side accepts the client with this secret (introspection). */
async function accepts(issuer: string, clientId: string, secret: string): Promise<boolean> {
  const res = await fetch(`${issuer}/token/introspection`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: 'not-a-token' }),
  });
  await res.arrayBuffer();
  return res.status === 200;
}

const secretOf = (page: Page): string => /id="created-secret">([^<]+)</.exec(page.body)?.[1] ?? '';

for (const kind of FEATURE_STORES) {
  describe(`the console's partners pages (${kind} store)`, function () {
    this.timeout(60_000);
    let store: Store;
    let tobira: RunningTobira;
    let config: oidc.Configuration;
    let admin: TestOperator;
    const PARTNERS = '/console/partners';

    before(async () => {
      store = await freshStore(kind);
      tobira = await startTobira({ store, clients: [partnerClient()] });
      config = await discover(tobira.issuer);
      admin = await passkeyMember(tobira.issuer, config, `partners-admin.${kind}@example.com`, store, 'admin');
    });
    after(async () => {
      await tobira?.close();
      await store?.close();
    });

    const open = (path: string): Promise<Page> => openConsole(tobira.issuer, admin.browser, admin.key, path);
    const machine = { client_name: 'Batch', redirect_uris: '', token_endpoint_auth_method: 'client_secret_basic', grant_types: 'client_credentials' };

    it('creates a machine partner, and refuses a second with the same client_id on that field', async () => {
      const form = await open(`${PARTNERS}/new`);
      const created = await admin.browser.submit(form, '/console/partners/new', { client_id: 'batch', ...machine });
      assert.equal(created.status, 200, created.body.slice(-800));
      const secret = secretOf(created);
      assert.ok(await accepts(tobira.issuer, 'batch', secret));
      assert.deepEqual((await store.clients.find('batch'))?.metadata.response_types, [], 'a machine partner signs nobody in');

      const again = await admin.browser.submit(await open(`${PARTNERS}/new`), '/console/partners/new', { client_id: 'batch', ...machine, client_name: 'Other' });
      assert.equal(again.status, 409);
      assert.match(again.body, /id="client_id"[^>]*aria-invalid="true" aria-describedby="client_id-error"/);
      assert.match(again.body, /id="client_id-error"[^>]*data-code="client_exists"/);
      assert.match(again.body, /value="Other"/, 'what was typed is kept');
      assert.equal((await store.clients.find('batch'))?.metadata.client_name, 'Batch', 'nothing changed');
    });

    it('edits on the revision read, and refuses an edit made on an older one', async () => {
      const edit = await open(`${PARTNERS}/batch/edit`);
      assert.match(edit.body, /name="revision" value="1"/);
      const stale = edit;
      const saved = await admin.browser.submit(edit, '/console/partners/batch/edit', { ...machine, client_name: 'Batch v2' });
      assert.equal(new URL(saved.url).pathname, `${PARTNERS}/batch`);
      assert.match(saved.body, /id="notice"/);
      const stored = await store.clients.find('batch');
      assert.equal(stored?.metadata.client_name, 'Batch v2');
      assert.equal(stored?.revision, 2);
      const conflict = await admin.browser.submit(stale, '/console/partners/batch/edit', { ...machine, client_name: 'Overwrite' });
      assert.equal(conflict.status, 409);
      assert.match(conflict.body, /id="form-error"[^>]*data-code="client_revision_conflict"/);
      assert.equal((await store.clients.find('batch'))?.metadata.client_name, 'Batch v2');
    });

    it('signs a partner\'s ID tokens with the algorithm chosen on the form, kept by an edit that does not send it', async () => {
      const web = { client_name: 'Shop', redirect_uris: 'https://shop.example.com/callback', token_endpoint_auth_method: 'client_secret_basic', grant_types: 'authorization_code' };
      const form = await open(`${PARTNERS}/new`);
      assert.match(form.body, /<option value="RS256" selected>RS256<\/option>\s*<option value="ES256">/, 'RS256 unless the operator chooses');
      const created = await admin.browser.submit(form, '/console/partners/new', { client_id: 'shop-es', ...web, id_token_signed_response_alg: 'ES256' });
      assert.equal(created.status, 200, created.body.slice(-800));
      assert.equal((await store.clients.find('shop-es'))?.metadata.id_token_signed_response_alg, 'ES256');
      assert.match((await open(`${PARTNERS}/shop-es`)).body, /<code>ES256<\/code>/);
      const edit = await open(`${PARTNERS}/shop-es/edit`);
      assert.match(edit.body, /<option value="ES256" selected>/);
      await admin.browser.submit(edit, '/console/partners/shop-es/edit', { ...web, client_name: 'Shop v2' });
      assert.equal((await store.clients.find('shop-es'))?.metadata.id_token_signed_response_alg, 'ES256');

      const refused = await admin.browser.submit(await open(`${PARTNERS}/new`), '/console/partners/new', { client_id: 'shop-odd', ...web, id_token_signed_response_alg: 'XS999' });
      assert.equal(refused.status, 400, refused.body.slice(-800));
      assert.match(refused.body, /data-code="[a-z_]+"/);
      assert.equal(await store.clients.find('shop-odd'), undefined, 'nothing stored');
    });

    it('rotates the secret after a confirmation: the new one is shown once, the old one refused at once', async () => {
      const before = secretOf(await admin.browser.submit(await open(`${PARTNERS}/batch/rotate-secret`), '/console/partners/batch/rotate-secret', {}));
      assert.ok(before);
      const confirm = await open(`${PARTNERS}/batch/rotate-secret`);
      assert.match(confirm.body, /id="confirm-message"/);
      const rotated = await admin.browser.submit(confirm, '/console/partners/batch/rotate-secret', {});
      const secret = secretOf(rotated);
      assert.notEqual(secret, before);
      assert.equal(await accepts(tobira.issuer, 'batch', before), false);
      assert.ok(await accepts(tobira.issuer, 'batch', secret));
      assert.equal(rotated.headers.get('cache-control'), 'no-store');
      assert.ok(!(await open(`${PARTNERS}/batch`)).body.includes(secret), 'shown once');
    });

    it('disables and enables, and deletes after a confirmation', async () => {
      await admin.browser.submit(await open(`${PARTNERS}/batch/disable`), '/console/partners/batch/disable', {});
      assert.equal((await store.clients.find('batch'))?.disabled, true);
      const enabled = await admin.browser.submit(await open(`${PARTNERS}/batch`), '/console/partners/batch/enable', {});
      assert.match(enabled.body, /data-status="enabled"/);
      assert.equal((await store.clients.find('batch'))?.disabled, false);
      const confirm = await open(`${PARTNERS}/batch/delete`);
      assert.match(confirm.body, /Batch v2/);
      assert.ok(await store.clients.find('batch'), 'asking deletes nothing');
      const deleted = await admin.browser.submit(confirm, '/console/partners/batch/delete', {});
      assert.equal(new URL(deleted.url).pathname, PARTNERS);
      assert.equal(await store.clients.find('batch'), undefined);
      for (const type of ['client.created', 'client.updated', 'client.secret_rotated', 'client.disabled', 'client.enabled', 'client.deleted']) {
        const [event] = await store.audit.list({ type, limit: 1 });
        assert.equal(event?.actor, `operator:${admin.accountId}:${admin.email}`, type);
      }
    });

    it('shows partners of the clients file read-only, and refuses forms without the CSRF token', async () => {
      const fixed = await open(`${PARTNERS}/partner-web`);
      assert.match(fixed.body, /id="partner-read-only"/);
      assert.ok(!fixed.body.includes('/console/partners/partner-web/edit'));
      const refused = await admin.browser.request(`${tobira.issuer}${PARTNERS}/partner-web/disable`, { form: { _csrf: consoleCsrf(fixed) } });
      assert.equal(refused.status, 409);
      assert.match(refused.body, /client_managed_by_file/);
      const noCsrf = await admin.browser.request(`${tobira.issuer}${PARTNERS}/new`, { form: { client_id: 'sneaky', ...machine } });
      assert.equal(noCsrf.status, 403);
      assert.equal(await store.clients.find('sneaky'), undefined);
    });
  });
}
