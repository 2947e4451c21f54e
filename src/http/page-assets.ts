// What every page loads besides its HTML: one stylesheet and at most one script, both served from
// memory under a content-hashed address so browsers may keep them for a year.
//
// The script of a page is public/js/<page>.js bundled with esbuild together with what it imports
// (@simplewebauthn/browser from node_modules, webauthn.js) and the shared field helpers
// (fields.js: show-password toggle, password hint): one request instead of ~25 ES modules, so the
// passkey button is usable right after first paint on a slow phone (docs/performance.md). The
// bundles are built once per process, the first time an app is built (nothing for the README's
// two commands to miss); the stylesheet is public/styles.css and public/theme.css behind the
// operator's brand colour, as CSS custom properties, so no inline style is ever needed and the
// strict CSP (security-headers.ts) holds.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import type { Middleware } from 'koa';
import { PROJECT_ROOT } from '../config/settings.ts';

const PUBLIC = resolve(PROJECT_ROOT, 'public');
const SCRIPTS = resolve(PUBLIC, 'js');
/** The default primary colour (the brand colour when the operator sets none). */
export const DEFAULT_BRAND_COLOR = '#0b57d0';
const IMMUTABLE = 'public, max-age=31536000, immutable';

interface Asset {
  url: string;
  body: Buffer;
  type: string;
  /** Compressed once, when built: on a slow phone link the bytes are most of the wait. */
  br: Buffer;
  gzip: Buffer;
}

function asset(url: string, body: Buffer, type: string): Asset {
  return { url, body, type, br: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }), gzip: gzipSync(body, { level: 9 }) };
}

function hashOf(body: Buffer | string): string {
  return createHash('sha256').update(body).digest('hex').slice(0, 16);
}

/**
 * Every module in public/js gets a bundle: the pages' scripts, and the shared modules too, whose
 * exports the bundle keeps (the browser suites call webauthn.js's messageFor in a page).
 */
function pageScriptNames(): string[] {
  return readdirSync(SCRIPTS)
    .filter((file) => file.endsWith('.js'))
    .map((file) => file.slice(0, -'.js'.length))
    .sort();
}

async function bundle(name: string): Promise<Asset> {
  const result = await build({
    stdin: {
      // fields.js first: the field helpers work even while the page's own module is still starting.
      contents: `import './fields.js';\nexport * from './${name}.js';\n`,
      resolveDir: SCRIPTS,
      sourcefile: `${name}.page.js`,
      loader: 'js',
    },
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const body = Buffer.from(result.outputFiles[0]!.contents);
  return asset(`/static/js/${name}.${hashOf(body)}.js`, body, 'text/javascript; charset=utf-8');
}

let scriptBundles: Promise<ReadonlyMap<string, Asset>> | undefined;

/** Every page's bundle, built once per process (the files are the project's, the same for every app). */
function pageScripts(): Promise<ReadonlyMap<string, Asset>> {
  scriptBundles ??= (async () => {
    const names = pageScriptNames();
    const built = await Promise.all(names.map(bundle));
    return new Map(names.map((name, i) => [name, built[i]!]));
  })();
  return scriptBundles;
}

/**
 * The stylesheet: the brand colour as a custom property, then the project's CSS. The colour was
 * checked by the settings (exactly #rrggbb, config/checks.ts brandColorProblem); it is checked
 * again here because it is written into CSS text.
 */
function stylesheet(brandColor: string | null): Asset {
  const color = brandColor ?? DEFAULT_BRAND_COLOR;
  if (!/^#[0-9a-fA-F]{6}$/.test(color)) throw new Error('the brand colour must be #rrggbb');
  const css = [
    `:root { --brand: ${color}; }`,
    readFileSync(resolve(PUBLIC, 'styles.css'), 'utf8'),
    readFileSync(resolve(PUBLIC, 'theme.css'), 'utf8'),
    // The operator console's layout, every rule under its body class (.console).
    readFileSync(resolve(PUBLIC, 'console.css'), 'utf8'),
  ].join('\n');
  const body = Buffer.from(css);
  return asset(`/static/styles.${hashOf(body)}.css`, body, 'text/css; charset=utf-8');
}

export class PageAssets {
  readonly stylesheetUrl: string;
  /** The stylesheet's text (tests read the brand colour in it). */
  readonly stylesheetText: string;
  private readonly scripts: ReadonlyMap<string, Asset>;
  private readonly byUrl: ReadonlyMap<string, Asset>;

  private constructor(css: Asset, scripts: ReadonlyMap<string, Asset>) {
    this.stylesheetUrl = css.url;
    this.stylesheetText = css.body.toString('utf8');
    this.scripts = scripts;
    this.byUrl = new Map([css, ...scripts.values()].map((asset) => [asset.url, asset]));
  }

  static async load(brandColor: string | null): Promise<PageAssets> {
    return new PageAssets(stylesheet(brandColor), await pageScripts());
  }

  /**
   * The address of a page's one script, from the name the view gives (`/static/js/login.js` or
   * `login`). An unknown name is a mistake in a view, not input: it throws.
   */
  scriptUrl(src: string): string {
    const name = src.replace(/^\/static\/js\//, '').replace(/\.js$/, '');
    const asset = this.scripts.get(name);
    if (!asset) throw new Error(`no page script named ${name} in public/js`);
    return asset.url;
  }

  /** Serves the stylesheet and the bundles at their hashed addresses; anything else goes on. */
  middleware(): Middleware {
    return async (ctx, next) => {
      const asset = ctx.method === 'GET' || ctx.method === 'HEAD' ? this.byUrl.get(ctx.path) : undefined;
      if (!asset) {
        await next();
        return;
      }
      ctx.type = asset.type;
      ctx.set('Cache-Control', IMMUTABLE);
      ctx.vary('Accept-Encoding');
      const encoding = ctx.acceptsEncodings('br', 'gzip', 'identity');
      if (encoding === 'br' || encoding === 'gzip') ctx.set('Content-Encoding', encoding);
      ctx.body = encoding === 'br' ? asset.br : encoding === 'gzip' ? asset.gzip : asset.body;
    };
  }
}
