// The partners' APIs (resource servers, RFC 8707) an operator registers in a JSON file: which
// API, which scopes it knows, and which partner may get a token for it with which of those
// scopes. Tokens for an API are JWTs (RFC 9068) whose audience is the API, so one partner's token
// is worthless at another partner's API.
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../config/config-error.ts';

/** A scope token as RFC 6749 §3.3 defines it (printable ASCII except space, `"` and `\`). */
const scopeToken = z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]{1,128}$/, 'must be a scope token (printable ASCII, no spaces, quotes or backslashes)');

const resourceEntry = z.strictObject({
  /** The API's identifier: an absolute URL without a fragment, as partners send it in `resource`. */
  resource: z.string().max(2048),
  /** Shown to operators (and in the docs of the partner); not sent to anyone. */
  name: z.string().trim().min(1).max(100),
  /** Every scope the API understands. */
  scopes: z.array(scopeToken).min(1).max(100),
  /** The partners that may get a token for this API, each with the scopes it may have. */
  clients: z.record(z.string(), z.array(scopeToken).max(100)),
  /** Clients (the API itself) that may introspect tokens issued for this API, whoever they were issued to. */
  introspectedBy: z.array(z.string()).max(20).default([]),
  /** Lifetime of the API's access tokens in seconds (default: ACCESS_TOKEN_TTL). */
  accessTokenTtl: z.number().int().min(30).max(86_400).optional(),
});

/** A registered API; `clients` maps each partner that may get a token for it to its scopes. */
export type ResourceServer = Omit<z.infer<typeof resourceEntry>, 'clients'> & { clients: ReadonlyMap<string, readonly string[]> };

function invalid(file: string, where: string, en: string, ja: string): never {
  throw new ConfigError(where ? `${file} → ${where}` : file, en, ja);
}

/** Why `identifier` cannot name an API, or null when it can (RFC 8707 §2: absolute URI, no fragment). */
export function resourceIdentifierProblem(identifier: string, allowHttp: boolean): { en: string; ja: string } | null {
  const url = URL.parse(identifier);
  if (!url) return { en: 'must be an absolute URL', ja: '絶対 URL である必要があります' };
  if (url.hash || identifier.includes('#')) return { en: 'must not contain a fragment (#...)', ja: 'フラグメント（#...）を含めないでください' };
  if (url.protocol !== 'https:' && !(allowHttp && url.protocol === 'http:')) {
    return { en: 'must be an https URL (http only outside production)', ja: 'https の URL である必要があります（http は本番以外のみ）' };
  }
  return null;
}

/**
 * Reads and checks the resources file. `clientIds` are the clients the provider serves: every
 * client a resource names must be one of them, so a typo cannot silently leave a partner out.
 */
export function readResourcesFile(file: string, clientIds: ReadonlySet<string>, allowHttp: boolean): ResourceServer[] {
  if (!existsSync(file)) invalid(file, '', 'does not exist', 'ファイルがありません');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    invalid(file, '', `is not valid JSON (${(err as Error).message})`, `JSON として不正です（${(err as Error).message}）`);
  }
  if (!Array.isArray(raw)) invalid(file, '', 'must hold a JSON array of resource objects', 'リソースオブジェクトの JSON 配列である必要があります');
  const seen = new Set<string>();
  return raw.map((entry: unknown, index) => {
    const parsed = resourceEntry.safeParse(entry);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = [`[${index}]`, ...(issue?.path ?? []).map(String)].join(' → ');
      invalid(file, where, issue?.message ?? 'is invalid', `不正です（${issue?.message ?? 'invalid'}）`);
    }
    // A Map, so that a client id such as "__proto__" is a key like any other.
    const resource: ResourceServer = { ...parsed.data, clients: new Map(Object.entries(parsed.data.clients)) };
    const at = `resource "${resource.resource}"`;
    const problem = resourceIdentifierProblem(resource.resource, allowHttp);
    if (problem) invalid(file, `${at} → resource`, problem.en, problem.ja);
    if (seen.has(resource.resource)) invalid(file, at, 'is listed twice', '重複しています');
    seen.add(resource.resource);
    const known = new Set(resource.scopes);
    for (const [clientId, scopes] of resource.clients) {
      if (!clientIds.has(clientId)) invalid(file, `${at} → clients → ${clientId}`, 'is not a client tobira serves', 'tobira に登録されたクライアントではありません');
      const unknown = scopes.find((scope) => !known.has(scope));
      if (unknown) invalid(file, `${at} → clients → ${clientId}`, `names scope "${unknown}", which is not in this resource's scopes`, `このリソースの scopes にないスコープ「${unknown}」を指定しています`);
    }
    for (const clientId of resource.introspectedBy) {
      if (!clientIds.has(clientId)) invalid(file, `${at} → introspectedBy → ${clientId}`, 'is not a client tobira serves', 'tobira に登録されたクライアントではありません');
    }
    return resource;
  });
}
