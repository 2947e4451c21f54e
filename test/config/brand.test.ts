// The operator's brand settings (BRAND_NAME, BRAND_LOGO_URL, BRAND_COLOR) are checked when loaded:
// the colour is written into the stylesheet and fills buttons under white text, the logo is loaded
// by every page, the name is shown in every header.
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/config/config-error.ts';
import { contrastWithWhite } from '../../src/config/checks.ts';
import { loadSettings } from '../../src/config/settings.ts';
import { PageAssets } from '../../src/http/page-assets.ts';

function refusedAs(env: string) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    assert.equal(err.setting, env);
    assert.ok(err.messages.ja.length > 0 && err.messages.en.length > 0);
    return true;
  };
}

describe('brand settings', () => {
  it('default to tobira\'s own name, mark and colour', () => {
    assert.deepEqual(loadSettings({}).brand, { name: null, logoUrl: null, color: null });
  });

  it('accept a name, an https: or on-tobira logo and a #rrggbb colour with 4.5:1 contrast on white', () => {
    const s = loadSettings({ BRAND_NAME: 'Example ID', BRAND_LOGO_URL: 'https://cdn.example.com/logo.svg', BRAND_COLOR: '#7A1F5C' });
    assert.deepEqual(s.brand, { name: 'Example ID', logoUrl: 'https://cdn.example.com/logo.svg', color: '#7A1F5C' });
    assert.equal(loadSettings({ BRAND_LOGO_URL: '/static/favicon.svg' }).brand.logoUrl, '/static/favicon.svg');
    assert.equal(loadSettings({ BRAND_COLOR: '#0b57d0' }).brand.color, '#0b57d0');
    // Empty means unset, like the other optional settings.
    assert.equal(loadSettings({ BRAND_COLOR: '' }).brand.color, null);
  });

  it('refuse a colour that is not exactly #rrggbb: nothing else may reach the stylesheet', () => {
    for (const value of ['red', '#abc', '#12345g', '#1234567', 'rgb(0,0,0)', '#000000; } body { display: none', 'var(--x)', '#0b57d0 ']) {
      assert.throws(() => loadSettings({ BRAND_COLOR: value }), refusedAs('BRAND_COLOR'), value);
    }
  });

  it('refuse a colour too light for white text and links on white (WCAG AA 4.5:1), saying the ratio', () => {
    assert.throws(() => loadSettings({ BRAND_COLOR: '#ffcc00' }), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.messages.en, /contrast of 1\.\d+:1 with white.*4\.5:1/);
      return true;
    });
    assert.throws(() => loadSettings({ BRAND_COLOR: '#3d8bfd' }), refusedAs('BRAND_COLOR'));
    assert.ok(contrastWithWhite('#000000') > 20.9 && contrastWithWhite('#ffffff') === 1);
  });

  it('refuse a logo that would be mixed content or leave tobira by a trick', () => {
    for (const value of ['http://cdn.example.com/logo.png', '//cdn.example.com/logo.png', 'javascript:alert(1)', 'data:image/svg+xml,<svg/>', 'logo.png', '/\\evil.example/logo.png']) {
      assert.throws(() => loadSettings({ BRAND_LOGO_URL: value }), refusedAs('BRAND_LOGO_URL'), value);
    }
  });

  it('refuse a name with control characters or longer than 40 characters', () => {
    assert.throws(() => loadSettings({ BRAND_NAME: 'Example\u202eDI' }), refusedAs('BRAND_NAME'));
    assert.throws(() => loadSettings({ BRAND_NAME: 'Example\nID' }), refusedAs('BRAND_NAME'));
    assert.throws(() => loadSettings({ BRAND_NAME: 'x'.repeat(41) }), refusedAs('BRAND_NAME'));
    assert.equal(loadSettings({ BRAND_NAME: 'イグザンプル ID' }).brand.name, 'イグザンプル ID');
  });

  it('the colour reaches the stylesheet as the --brand custom property, and only a #rrggbb colour does', async () => {
    const branded = await PageAssets.load('#7a1f5c');
    const plain = await PageAssets.load(null);
    assert.ok(branded.stylesheetText.startsWith(':root { --brand: #7a1f5c; }'));
    assert.ok(plain.stylesheetText.startsWith(':root { --brand: #0b57d0; }'));
    assert.notEqual(branded.stylesheetUrl, plain.stylesheetUrl, 'the address changes with the content');
    await assert.rejects(PageAssets.load('#000000; } body { display: none'));
  });
});
