// The operator CLI: `npm run admin -- recovery list|show|approve|reject ...`. It is a client of the
// operator API over HTTP (ADMIN_TOKEN, TOBIRA_URL), so it works against any running tobira, local
// or remote, and does exactly what the API allows, no more.
import { parseArgs } from 'node:util';

const USAGE = `usage: npm run admin -- recovery <command> [options]

commands:
  list [--status pending|approved|rejected|completed] [--limit N]
  show <id>
  approve <id> --operator <name> [--note <text>]
  reject <id> --operator <name> --reason <text>

options:
  --json              print the API's JSON answer instead of text
  --operator <name>   who you are (required for approve and reject; audited as operator:<name>)

environment:
  ADMIN_TOKEN         the operator API token (required)
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

async function call(base: string, token: string, lang: string, method: 'GET' | 'POST', path: string, body?: Json, operator?: string): Promise<{ ok: true; json: Json } | { ok: false; failure: ApiFailure }> {
  let response: Response;
  try {
    response = await fetch(new URL(path, base), {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        'accept-language': lang,
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...(operator ? { 'x-operator': operator } : {}),
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

function str(value: unknown): string {
  return value === null || value === undefined || value === '' ? '-' : String(value);
}

function describeRequest(r: Json): string[] {
  return [
    `id:          ${str(r.id)}`,
    `status:      ${str(r.status)}`,
    `filed:       ${str(r.createdAt)} from ${str(r.ip)} (${str(r.userAgent)})`,
    `account ID:  ${str(r.accountHint)}${r.accountId ? ` (account ${String(r.accountId)})` : ' (no such account)'}`,
    `contacts:    e-mail ${str(r.contactEmail)}, mobile ${str(r.contactMobile)}`,
    `message:     ${str(r.message).replace(/\n/g, '\n             ')}`,
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
  const events = (json.recentEvents ?? []) as Json[];
  if (events.length > 0) {
    lines.push('', 'recent events:');
    for (const e of events) lines.push(`  ${str(e.at)}  ${str(e.type)}  ${str(e.actor)}  ${str(e.ip)}`);
  }
  for (const line of lines) output.out(line);
}

function printApproval(json: Json, output: Output): void {
  const request = (json.request ?? {}) as Json;
  const delivery = (json.delivery ?? {}) as { email?: { to: string; sent: boolean }; sms?: { to: string; sent: boolean } | null };
  output.out(`approved ${str(request.id)}: enrolment link ${delivery.email ? `e-mailed to ${delivery.email.to}${delivery.email.sent ? '' : ' (DELIVERY FAILED)'}` : 'not e-mailed'}`
    + `${delivery.sms ? `, sent by SMS to ${delivery.sms.to}${delivery.sms.sent ? '' : ' (DELIVERY FAILED)'}` : ''}`);
  if (delivery.email?.sent === false || delivery.sms?.sent === false) output.err('warning: a delivery failed (see tobira\'s log); the user can file a new request');
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
    if (area !== 'recovery' || command === undefined) throw new UsageError('the only area is "recovery"');
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const token = env.ADMIN_TOKEN;
    if (!token) throw new UsageError('set ADMIN_TOKEN to the operator API token');
    const base = env.TOBIRA_URL || 'http://localhost:3000';
    // tobira's messages in the operator's language: Japanese under a Japanese locale, else English.
    const lang = /^ja/i.test(env.LC_ALL || env.LC_MESSAGES || env.LANG || '') ? 'ja' : 'en';
    const needId = (): string => {
      if (!id) throw new UsageError(`"${command}" needs a request id`);
      return encodeURIComponent(id);
    };
    const needOperator = (): string => {
      if (!values.operator) throw new UsageError(`"${command}" needs --operator <name>`);
      return values.operator;
    };
    let result;
    let print: (json: Json, output: Output) => void;
    switch (command) {
      case 'list': {
        if (id !== undefined) throw new UsageError(`unexpected argument "${id}"`);
        const query = new URLSearchParams();
        if (values.status) query.set('status', values.status);
        if (values.limit) query.set('limit', values.limit);
        result = await call(base, token, lang, 'GET', `/admin/api/recovery-requests${query.size > 0 ? `?${query}` : ''}`, undefined, values.operator);
        print = printList;
        break;
      }
      case 'show':
        result = await call(base, token, lang, 'GET', `/admin/api/recovery-requests/${needId()}`, undefined, values.operator);
        print = printDetail;
        break;
      case 'approve':
        result = await call(base, token, lang, 'POST', `/admin/api/recovery-requests/${needId()}/approve`, { operator: needOperator(), note: values.note ?? '' });
        print = printApproval;
        break;
      case 'reject': {
        const path = `/admin/api/recovery-requests/${needId()}/reject`;
        const operator = needOperator();
        if (!values.reason) throw new UsageError('"reject" needs --reason <text>');
        result = await call(base, token, lang, 'POST', path, { operator, reason: values.reason });
        print = (json, out) => out.out(`rejected ${str((json.request as Json | undefined)?.id)}`);
        break;
      }
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
    if (!result.ok) {
      const { status, error, message } = result.failure;
      output.err(`error: ${message}${status ? ` (HTTP ${status}, ${error})` : ''}`);
      return 1;
    }
    if (values.json) output.out(JSON.stringify(result.json, null, 2));
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
