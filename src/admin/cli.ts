// The operator CLI: `npm run admin -- recovery list|show|approve|reject|complete ...`,
// `npm run admin -- clients list|show|create|update|disable|enable|delete|rotate-secret ...` and
// `npm run admin -- operators list|grant|revoke ...`. It is a client of the operator API over HTTP
// (TOBIRA_OPERATOR_TOKEN, a personal token from the console, or ADMIN_TOKEN to bootstrap the first
// admin; TOBIRA_URL), so it works against any running tobira, local or remote, and does exactly
// what the API allows, no more. Who acted is who the token belongs to: `--operator` is accepted
// and ignored (older scripts pass it).
//
// Much of what it prints was typed by an anonymous requester (message, contacts, user agent). A
// terminal obeys control characters, so they are printed as visible escapes (`\x1b`, `\r`, ...),
// never raw: nobody can redraw the screen to fake a "match" or "verified" line.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { KEYS_USAGE, keysRequest, KeysUsageError } from './key-cli.ts';
import { ACCOUNTS_USAGE, accountsCall, auditCall } from './cli-accounts.ts';

const USAGE = `usage: npm run admin -- recovery <command> [options]
       npm run admin -- clients <command> [options]
       npm run admin -- operators <command> [options]
       npm run admin -- keys <command> [options]
       npm run admin -- accounts <command> [options]
       npm run admin -- audit search [options]

recovery commands:
  list [--status pending|approved|rejected|completed] [--limit N]
  show <id>
  approve <id> [--note <text>]
  reject <id> --reason <text>
  complete <id>
                      re-run the clean-up after a used enrolment link when it failed
                      (recovery.completion_failed), keeping the passkey the link registered

clients commands (partner services kept in the store; clients of CLIENTS_FILE are read-only):
  list
  show <client_id>
  create --metadata <file.json|-> [--disabled]
                      the file holds the OpenID client metadata (client_id included); a secret is
                      generated and printed ONCE
  update <client_id> --revision N --metadata <file.json|-> [--rotate-secret]
                      replaces the metadata; N is the revision "show" printed (a newer one refuses)
  disable <client_id>
  enable <client_id>
  delete <client_id>
  rotate-secret <client_id>
                      a new secret, printed ONCE; the old one stops working at once

operators commands (who may use the console and the API; admins only):
  list
  grant <email> <operator|admin>
                      the account must exist (sign up at tobira first); with ADMIN_TOKEN this
                      is how the first admin is made, after which ADMIN_TOKEN is refused
  revoke <email>      takes the role away and revokes the account's personal tokens

${KEYS_USAGE}

${ACCOUNTS_USAGE}
options:
  --json              print the API's JSON answer instead of text
  --operator <name>   ignored (the audit log names the token's account)

environment:
  TOBIRA_OPERATOR_TOKEN  your personal token (create one in the console, /console/tokens)
  ADMIN_TOKEN         the bootstrap token: only until an admin exists (unless
                      ADMIN_TOKEN_AFTER_BOOTSTRAP is set on the server)
  TOBIRA_URL          where tobira runs (default http://localhost:3000)
`;

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

class UsageError extends Error {}

interface ApiFailure {
  status: number;
  error: string;
  message: string;
}

type Json = Record<string, unknown>;

async function call(base: string, token: string, lang: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: Json): Promise<{ ok: true; json: Json } | { ok: false; failure: ApiFailure }> {
  let response: Response;
  try {
    response = await fetch(new URL(path, base), {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        'accept-language': lang,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
      redirect: 'error',
      signal: AbortSignal.timeout(30_000),
    });
  } catch (err) {
    const reason = err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
    return { ok: false, failure: { status: 0, error: 'unreachable', message: `cannot reach tobira at ${base} (${reason}); set TOBIRA_URL` } };
  }
  const text = await response.text();
  let json: Json;
  try {
    json = JSON.parse(text) as Json;
  } catch {
    return { ok: false, failure: { status: response.status, error: 'not_json', message: `tobira at ${base} did not answer JSON (HTTP ${response.status}); is TOBIRA_URL right?` } };
  }
  if (!response.ok) {
    return { ok: false, failure: { status: response.status, error: String(json.error ?? 'error'), message: String(json.message ?? '') } };
  }
  return { ok: true, json };
}

/** Bidirectional overrides and isolates, and line/paragraph separators: they reorder or break what is shown. */
const INVISIBLE_FORMATTING = new Set([0x200e, 0x200f, 0x2028, 0x2029, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]);
const NAMED: Record<number, string> = { 0x09: '\\t', 0x0a: '\\n', 0x0d: '\\r' };

/**
 * The text with every C0 and C1 control character (and DEL, bidirectional controls, line
 * separators) replaced by a visible escape; line feeds are kept only when `keepNewLines`.
 */
export function visible(text: string, keepNewLines = false): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code === 0x0a && keepNewLines) out += char;
    else if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) out += NAMED[code] ?? `\\x${code.toString(16).padStart(2, '0')}`;
    else if (INVISIBLE_FORMATTING.has(code)) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += char;
  }
  return out;
}

/** JSON as text with the characters a terminal would obey (but JSON.stringify leaves) as \u escapes: the same JSON value. */
function printableJson(json: Json): string {
  let out = '';
  for (const char of JSON.stringify(json, null, 2)) {
    const code = char.codePointAt(0) ?? 0;
    out += (code >= 0x7f && code <= 0x9f) || INVISIBLE_FORMATTING.has(code) ? `\\u${code.toString(16).padStart(4, '0')}` : char;
  }
  return out;
}

function str(value: unknown): string {
  return value === null || value === undefined || value === '' ? '-' : visible(String(value));
}

/** The requester's message, one marked line per line of theirs, so none can pass for tobira's. */
function messageLines(value: unknown): string {
  return str(value) === '-' ? '-' : visible(String(value), true).split('\n').map((line) => `| ${line}`).join('\n             ');
}

function describeRequest(r: Json): string[] {
  return [
    `id:          ${str(r.id)}`,
    `status:      ${str(r.status)}`,
    `filed:       ${str(r.createdAt)} from ${str(r.ip)} (${str(r.userAgent)})`,
    `account ID:  ${str(r.accountHint)}${r.accountId ? ` (account ${String(r.accountId)})` : ' (no such account)'}`,
    `contacts:    e-mail ${str(r.contactEmail)}, mobile ${str(r.contactMobile)}`,
    `message:     ${messageLines(r.message)}`,
    ...(r.decidedAt ? [`decided:     ${str(r.status === 'completed' ? 'approved' : r.status)} by ${str(r.decidedBy)} at ${str(r.decidedAt)}: ${str(r.decisionNote)}`] : []),
    ...(r.enrolmentSentTo ? [`link sent to: ${str(r.enrolmentSentTo)}`] : []),
    ...(r.completedAt ? [`completed:   ${str(r.completedAt)}`] : []),
  ];
}

function printList(json: Json, output: Output): void {
  const requests = (json.requests ?? []) as Json[];
  if (requests.length === 0) {
    output.out('no recovery requests');
    return;
  }
  const rows = requests.map((r) => [str(r.id), str(r.status), str(r.createdAt), `${str(r.accountHint)}${r.accountId ? '' : ' (no such account)'}`]);
  const header = ['ID', 'STATUS', 'FILED', 'ACCOUNT ID'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  for (const row of [header, ...rows]) output.out(row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '));
}

function printDetail(json: Json, output: Output): void {
  const lines = describeRequest((json.request ?? {}) as Json);
  const account = json.account as Json | null;
  const contacts = (json.contacts ?? {}) as Json;
  if (account) {
    lines.push(
      '',
      `account:     ${str(account.id)} ${str(account.email)} "${str(account.name)}", created ${str(account.createdAt)}`,
      `             always passkey ${account.alwaysPasskey ? 'on' : 'off'}, password ${account.hasPassword ? 'yes' : 'no'}, ${str(account.phones)} phone(s), ${str(account.passkeys)} passkey(s)`,
      `verified:    e-mail ${str(account.contactEmail)}, mobile ${str(account.contactMobile)}`,
    );
  } else {
    lines.push('', 'account:     none (the account ID names no account)');
  }
  lines.push(`match:       e-mail ${str(contacts.email)}, mobile ${str(contacts.mobile)}`);
  const request = (json.request ?? {}) as Json;
  const enrolment = json.enrolment as Json | null | undefined;
  if (enrolment) lines.push(`enrolment:   link used at ${str(enrolment.at)}, new passkey ${str(enrolment.credentialId)}`);
  else if (request.status === 'approved') lines.push('enrolment:   link not used yet');
  const completion = json.completion as Json | null | undefined;
  if (completion?.outcome === 'failed') {
    lines.push(`clean-up:    FAILED at ${str(completion.at)} (${((completion.failedSteps ?? []) as unknown[]).map(str).join(', ')}); run: npm run admin -- recovery complete ${str(request.id)}`);
  } else if (completion) {
    lines.push(`clean-up:    done at ${str(completion.at)} by ${str(completion.actor)}: ${cleanUpSummary(completion)}`);
  }
  const events = (json.recentEvents ?? []) as Json[];
  if (events.length > 0) {
    lines.push('', 'recent events:');
    for (const e of events) lines.push(`  ${str(e.at)}  ${str(e.type)}  ${str(e.actor)}  ${str(e.ip)}`);
  }
  for (const line of lines) output.out(line);
}

function printApproval(json: Json, output: Output): void {
  const request = (json.request ?? {}) as Json;
  const delivery = (json.delivery ?? {}) as { email?: { to: string; sent: boolean } | null; sms?: { to: string; sent: boolean } | null };
  const ways = [
    ...(delivery.email ? [`e-mailed to ${str(delivery.email.to)}${delivery.email.sent ? '' : ' (DELIVERY FAILED)'}`] : []),
    ...(delivery.sms ? [`sent by SMS to ${str(delivery.sms.to)}${delivery.sms.sent ? '' : ' (DELIVERY FAILED)'}`] : []),
  ];
  output.out(`approved ${str(request.id)}: enrolment link ${ways.join(', ')}`);
  if (delivery.email?.sent === false || delivery.sms?.sent === false) output.err('warning: a delivery failed (see tobira\'s log); the user can file a new request');
}

function cleanUpSummary(c: Json): string {
  return `removed ${str(c.removedPhones)} phone(s), ${str(c.removedPasskeys)} passkey(s); revoked ${str(c.sessions)} session(s), ${str(c.tokens)} token(s), ${str(c.trustedBrowsers)} trusted browser(s); ${c.passwordRemoved ? 'password removed' : 'no password'}`;
}

function printCompletion(json: Json, output: Output): void {
  output.out(`completed ${str((json.request as Json | undefined)?.id)}: ${cleanUpSummary((json.completion ?? {}) as Json)}`);
}

interface ClientsOptions {
  operator?: string | undefined;
  metadata?: string | undefined;
  revision?: string | undefined;
  disabled?: boolean | undefined;
  'rotate-secret'?: boolean | undefined;
}

function describeClient(c: Json): string[] {
  const metadata = (c.metadata ?? {}) as Json;
  return [
    `client_id:   ${str(c.clientId)}${c.managedBy === 'file' ? ' (managed by file: read-only here)' : ''}${c.shadowedByFile ? ' (SHADOWED: the clients file has this id, its registration is served)' : ''}`,
    `name:        ${str(metadata.client_name)}`,
    `status:      ${c.disabled ? 'DISABLED' : 'enabled'}${c.revision === null || c.revision === undefined ? '' : `, revision ${str(c.revision)}`}`,
    `auth:        ${str(metadata.token_endpoint_auth_method ?? 'client_secret_basic')}, secret ${str(c.secret)}`,
    `grants:      ${str(((metadata.grant_types ?? ['authorization_code']) as unknown[]).join(' '))}`,
    `redirects:   ${str(((metadata.redirect_uris ?? []) as unknown[]).join(' '))}`,
    ...(c.updatedAt ? [`changed:     ${str(c.updatedAt)} (created ${str(c.createdAt)})`] : []),
  ];
}

function printClientAnswer(verb: string): (json: Json, output: Output) => void {
  return (json, output) => {
    const client = (json.client ?? {}) as Json;
    output.out(`${verb} ${str(client.clientId)} (revision ${str(client.revision)})`);
    if (typeof json.clientSecret === 'string') {
      output.out(`client_secret: ${visible(json.clientSecret)}`);
      output.err('this secret is shown once: give it to the partner now; tobira keeps only a hash or an encrypted copy');
    }
  };
}

function readMetadata(source: string | undefined): Json {
  if (!source) throw new UsageError('needs --metadata <file.json> (or - for standard input) with the client metadata');
  let text: string;
  try {
    text = readFileSync(source === '-' ? 0 : source, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${source}: ${(err as Error).message}`);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a JSON object');
    return parsed as Json;
  } catch (err) {
    throw new UsageError(`${source} must hold one JSON object of client metadata (${(err as Error).message})`);
  }
}

/** The API call (and how to print its answer) for one `clients` command. */
type AreaRequest = { method: 'GET' | 'POST' | 'PUT' | 'DELETE'; path: string; body?: Json; print: (json: Json, output: Output) => void };

function clientsRequest(command: string, id: string | undefined, values: ClientsOptions): AreaRequest {
  const base = '/admin/api/clients';
  const needId = (): string => {
    if (!id) throw new UsageError(`"${command}" needs a client_id`);
    return `${base}/${encodeURIComponent(id)}`;
  };
  switch (command) {
    case 'list':
      if (id !== undefined) throw new UsageError(`unexpected argument "${id}"`);
      return {
        method: 'GET', path: base, print: (json, output) => {
          const clients = (json.clients ?? []) as Json[];
          if (clients.length === 0) output.out('no clients');
          for (const client of clients) {
            output.out(`${str(client.clientId)}  ${client.managedBy === 'file' ? 'file' : 'store'}  ${client.disabled ? 'DISABLED' : 'enabled'}  ${str(((client.metadata ?? {}) as Json).client_name)}${client.shadowedByFile ? '  (shadowed by file)' : ''}`);
          }
        },
      };
    case 'show':
      return { method: 'GET', path: needId(), print: (json, output) => { for (const line of describeClient((json.client ?? {}) as Json)) output.out(line); } };
    case 'create': {
      if (id !== undefined) throw new UsageError(`unexpected argument "${id}" (the client_id goes in the metadata)`);
      return { method: 'POST', path: base, body: { metadata: readMetadata(values.metadata), disabled: values.disabled ?? false }, print: printClientAnswer('created') };
    }
    case 'update': {
      const path = needId();
      const revision = Number(values.revision);
      if (!values.revision || !Number.isInteger(revision) || revision < 1) throw new UsageError('"update" needs --revision N (the revision "show" printed)');
      return { method: 'PUT', path, body: { revision, metadata: readMetadata(values.metadata), rotateSecret: values['rotate-secret'] ?? false }, print: printClientAnswer('updated') };
    }
    case 'disable':
    case 'enable':
      return { method: 'POST', path: `${needId()}/${command}`, body: {}, print: printClientAnswer(`${command}d`) };
    case 'rotate-secret':
      return { method: 'POST', path: `${needId()}/rotate-secret`, body: {}, print: printClientAnswer('new secret for') };
    case 'delete':
      return { method: 'DELETE', path: needId(), print: (json, output) => output.out(`deleted ${str(json.deleted)}`) };
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

/** The API call (and how to print its answer) for one `operators` command. */
function operatorsRequest(command: string, email: string | undefined, role: string | undefined): AreaRequest {
  const base = '/admin/api/operators';
  const needEmail = (): string => {
    if (!email) throw new UsageError(`"${command}" needs an e-mail address`);
    return email;
  };
  switch (command) {
    case 'list':
      if (email !== undefined) throw new UsageError(`unexpected argument "${email}"`);
      return {
        method: 'GET', path: base, print: (json, output) => {
          const operators = (json.operators ?? []) as Json[];
          if (operators.length === 0) output.out('no operators');
          for (const o of operators) output.out(`${str(o.email)}  ${str(o.role)}  ${str(o.accountId)}  granted ${str(o.grantedAt)} by ${str(o.grantedBy)}`);
        },
      };
    case 'grant': {
      const address = needEmail();
      if (role !== 'operator' && role !== 'admin') throw new UsageError('"grant" needs a role: operator or admin');
      return { method: 'POST', path: base, body: { email: address, role }, print: (json, output) => { const o = (json.operator ?? {}) as Json; output.out(`granted ${str(o.role)} to ${str(o.email)} (account ${str(o.accountId)})`); } };
    }
    case 'revoke':
      return { method: 'POST', path: `${base}/revoke`, body: { email: needEmail() }, print: (json, output) => { const r = (json.revoked ?? {}) as Json; output.out(r.role ? `revoked ${str(r.role)} from ${str(r.email)}; ${str(r.tokensRevoked)} personal token(s) revoked` : `${str(r.email)} had no role`); } };
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

/** Runs one command; returns the exit code (0 done, 1 refused or unreachable, 2 usage). */
export async function main(argv: string[], env: Record<string, string | undefined>, output: Output): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        status: { type: 'string' },
        limit: { type: 'string' },
        operator: { type: 'string' },
        note: { type: 'string' },
        reason: { type: 'string' },
        metadata: { type: 'string' },
        revision: { type: 'string' },
        disabled: { type: 'boolean', default: false },
        'rotate-secret': { type: 'boolean', default: false },
        now: { type: 'boolean', default: false },
        account: { type: 'string' },
        type: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        next: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    output.err(`error: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    output.out(USAGE);
    return 0;
  }
  try {
    const [area, command, id, ...extra] = positionals;
    if (!['recovery', 'clients', 'operators', 'keys', 'accounts', 'audit'].includes(area ?? '') || command === undefined) throw new UsageError('the areas are "recovery", "clients", "operators", "keys", "accounts" and "audit"');
    const role = area === 'operators' && command === 'grant' ? extra.shift() : undefined;
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    // A personal token names its operator in the audit log; ADMIN_TOKEN only bootstraps.
    const token = env.TOBIRA_OPERATOR_TOKEN || env.ADMIN_TOKEN;
    if (!token) throw new UsageError('set TOBIRA_OPERATOR_TOKEN to your personal token (or ADMIN_TOKEN to create the first admin)');
    const base = env.TOBIRA_URL || 'http://localhost:3000';
    // tobira's messages in the operator's language: Japanese under a Japanese locale, else English.
    const lang = /^ja/i.test(env.LC_ALL || env.LC_MESSAGES || env.LANG || '') ? 'ja' : 'en';
    if (area === 'keys') {
      let request;
      try {
        request = keysRequest(command, id, values);
      } catch (err) {
        throw err instanceof KeysUsageError ? new UsageError(err.message) : err;
      }
      const result = await call(base, token, lang, request.method, request.path, request.body);
      if (!result.ok) {
        const { status, error, message } = result.failure;
        output.err(`error: ${visible(message)}${status ? ` (HTTP ${status}, ${visible(error)})` : ''}`);
        return 1;
      }
      if (values.json) output.out(printableJson(result.json));
      else request.print(result.json, output, str);
      return 0;
    }
    if (area === 'clients' || area === 'operators' || area === 'accounts' || area === 'audit') {
      const tools = { show: str, usage: (message: string) => new UsageError(message) };
      const request = area === 'clients' ? clientsRequest(command, id, values)
        : area === 'operators' ? operatorsRequest(command, id, role)
          : area === 'accounts' ? accountsCall(command, id, values, tools) : auditCall(command, id, values, tools);
      const result = await call(base, token, lang, request.method, request.path, request.body);
      if (!result.ok) {
        const { status, error, message } = result.failure;
        output.err(`error: ${visible(message)}${status ? ` (HTTP ${status}, ${visible(error)})` : ''}`);
        return 1;
      }
      if (values.json) output.out(printableJson(result.json));
      else request.print(result.json, output);
      return 0;
    }
    const needId = (): string => {
      if (!id) throw new UsageError(`"${command}" needs a request id`);
      return encodeURIComponent(id);
    };
    let result;
    let print: (json: Json, output: Output) => void;
    switch (command) {
      case 'list': {
        if (id !== undefined) throw new UsageError(`unexpected argument "${id}"`);
        const query = new URLSearchParams();
        if (values.status) query.set('status', values.status);
        if (values.limit) query.set('limit', values.limit);
        result = await call(base, token, lang, 'GET', `/admin/api/recovery-requests${query.size > 0 ? `?${query}` : ''}`);
        print = printList;
        break;
      }
      case 'show':
        result = await call(base, token, lang, 'GET', `/admin/api/recovery-requests/${needId()}`);
        print = printDetail;
        break;
      case 'approve':
        result = await call(base, token, lang, 'POST', `/admin/api/recovery-requests/${needId()}/approve`, { note: values.note ?? '' });
        print = printApproval;
        break;
      case 'reject': {
        const path = `/admin/api/recovery-requests/${needId()}/reject`;
        if (!values.reason) throw new UsageError('"reject" needs --reason <text>');
        result = await call(base, token, lang, 'POST', path, { reason: values.reason });
        print = (json, out) => out.out(`rejected ${str((json.request as Json | undefined)?.id)}`);
        break;
      }
      case 'complete':
        result = await call(base, token, lang, 'POST', `/admin/api/recovery-requests/${needId()}/complete`, {});
        print = printCompletion;
        break;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
    if (!result.ok) {
      const { status, error, message } = result.failure;
      output.err(`error: ${visible(message)}${status ? ` (HTTP ${status}, ${visible(error)})` : ''}`);
      return 1;
    }
    if (values.json) output.out(printableJson(result.json));
    else print(result.json, output);
    return 0;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    output.err(`error: ${err.message}\n\n${USAGE}`);
    return 2;
  }
}

if (import.meta.main) {
  const output: Output = { out: (text) => process.stdout.write(`${text}\n`), err: (text) => process.stderr.write(`${text}\n`) };
  process.exitCode = await main(process.argv.slice(2), process.env, output);
}
