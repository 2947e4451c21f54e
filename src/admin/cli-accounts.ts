// The operator CLI's `accounts` and `audit` areas (admin/cli.ts runs them): which operator API call
// each command makes and how its answer is printed. Everything printed went through `show`, which
// makes control characters visible (names, browsers and notes were typed by someone).
//
//   accounts show|sign-out|enable <e-mail|id>
//   accounts disable <e-mail|id> --reason <text>
//   accounts recover <e-mail|id> --note <text>
//   audit search [--account <e-mail|id>] [--type a,b] [--from <time>] [--to <time>] [--limit N] [--next <position>]

type Json = Record<string, unknown>;

export interface CliLines {
  out(text: string): void;
}

/** One API call and the printer of its answer. */
export interface CliCall {
  method: 'GET' | 'POST';
  path: string;
  body?: Json;
  print: (json: Json, output: CliLines) => void;
}

/** What cli.ts lends: its printer of untrusted values, and its usage refusal. */
export interface CliTools {
  show(value: unknown): string;
  usage(message: string): Error;
}

export interface AccountsOptions {
  reason?: string | undefined;
  note?: string | undefined;
  account?: string | undefined;
  type?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  limit?: string | undefined;
  next?: string | undefined;
}

export const ACCOUNTS_USAGE = `accounts commands (a user account by its e-mail address or id; every view is audited):
  show <e-mail|id>    status, passkeys, phones, trusted browsers, contacts, recent sign-ins
  sign-out <e-mail|id>
                      ends every session, partner token and trusted browser of the account
  disable <e-mail|id> --reason <text>
                      no sign-in by any method until enabled; everything above ends too
  enable <e-mail|id>
  recover <e-mail|id> --note <text>
                      files a pending recovery request (decide it with "recovery approve")

audit commands:
  search [--account <e-mail|id>] [--type <type,type>] [--from <time>] [--to <time>]
         [--limit N] [--next <position>]
                      newest first; times as ISO 8601 (2026-12-06T09:00:00Z); the last line
                      prints the --next position of the following page, when there is one
`;

function ended(json: Json, tools: CliTools): string {
  const e = (json.ended ?? {}) as Json;
  return `ended ${tools.show(e.sessions)} session(s), ${tools.show(e.tokens)} token(s), ${tools.show(e.trustedBrowsers)} trusted browser(s)`;
}

function printAccount(json: Json, output: CliLines, tools: CliTools): void {
  const { show } = tools;
  const a = (json.account ?? {}) as Json;
  const disabled = a.disabled as Json | null | undefined;
  const contacts = (json.contacts ?? {}) as Record<string, Json | null>;
  const signedIn = (json.signedIn ?? {}) as Json;
  const lines = [
    `account:     ${show(a.id)} ${show(a.email)}${a.emailVerified ? '' : ' (address not proven)'} "${show(a.name)}"`,
    `status:      ${disabled ? `DISABLED by ${show(disabled.by)} at ${show(disabled.at)}: ${show(disabled.reason)}` : 'may sign in'}`,
    `sign-in:     ${a.alwaysPasskey ? 'always passkey' : a.hasPassword ? 'passkey or password' : 'passkey (no password)'}; last ${show(a.lastSignInAt)}; created ${show(a.createdAt)}`,
    `contacts:    e-mail ${show(contacts.email?.value)}, mobile ${show(contacts.mobile?.value)}`,
    `signed in:   ${show(signedIn.sessions)} browser session(s), services ${show(((signedIn.services ?? []) as unknown[]).join(', '))}, ${show(signedIn.trustedBrowsers)} trusted browser(s)`,
  ];
  const passkeys = (json.passkeys ?? []) as Json[];
  lines.push(`passkeys:    ${passkeys.length === 0 ? 'none' : ''}`);
  for (const p of passkeys) lines.push(`  ${show(p.name)}${p.phone ? ' (phone)' : ''}${p.synced ? ' synced' : ''}  created ${show(p.createdAt)}, last used ${show(p.lastUsedAt)}`);
  const phones = (json.phones ?? []) as Json[];
  lines.push(`phones:      ${phones.length === 0 ? 'none' : ''}`);
  for (const d of phones) lines.push(`  ${show(d.name)}  set up ${show(d.createdAt)}, last seen ${show(d.lastSeenAt)}`);
  const browsers = (json.trustedBrowsers ?? []) as Json[];
  lines.push(`trusted browsers: ${browsers.length === 0 ? 'none' : ''}`);
  for (const b of browsers) lines.push(`  ${show(b.name || b.label)}  since ${show(b.createdAt)}, last used ${show(b.lastUsedAt)}`);
  const signIns = ((json.signIns ?? []) as Json[]).slice(0, 10);
  lines.push('recent sign-ins:');
  for (const s of signIns) lines.push(`  ${show(s.at)}  ${s.ok ? 'ok    ' : 'FAILED'}  ${show(s.method)}  ${show(s.service)}  ${show(s.browser)}  ${show(s.ip)}${s.reason ? `  (${show(s.reason)})` : ''}`);
  for (const line of lines) output.out(line);
}

/** The call for one `accounts` command. */
export function accountsCall(command: string, account: string | undefined, values: AccountsOptions, tools: CliTools): CliCall {
  if (!account) throw tools.usage(`"${command}" needs an account's e-mail address or id`);
  const path = `/admin/api/accounts/${encodeURIComponent(account)}`;
  const summaryOf = (json: Json): string => { const a = (json.account ?? {}) as Json; return `${tools.show(a.email)} (${tools.show(a.id)})`; };
  switch (command) {
    case 'show':
      return { method: 'GET', path, print: (json, output) => printAccount(json, output, tools) };
    case 'sign-out':
      return { method: 'POST', path: `${path}/sign-out`, body: {}, print: (json, output) => output.out(`signed out ${summaryOf(json)} everywhere: ${ended(json, tools)}`) };
    case 'disable':
      if (!values.reason) throw tools.usage('"disable" needs --reason <text> (kept with the account and in the audit log)');
      return { method: 'POST', path: `${path}/disable`, body: { reason: values.reason }, print: (json, output) => output.out(`disabled ${summaryOf(json)}: ${ended(json, tools)}`) };
    case 'enable':
      return { method: 'POST', path: `${path}/enable`, body: {}, print: (json, output) => output.out(`enabled ${summaryOf(json)}: it may sign in again`) };
    case 'recover':
      if (!values.note) throw tools.usage('"recover" needs --note <text> (why, and how you checked who asked)');
      return {
        method: 'POST', path: `${path}/recovery`, body: { note: values.note }, print: (json, output) => {
          const request = (json.request ?? {}) as Json;
          output.out(`recovery request ${tools.show(request.id)} filed for ${summaryOf(json)}; approve it with: npm run admin -- recovery approve ${tools.show(request.id)}`);
        },
      };
    default:
      throw tools.usage(`unknown command "${command}"`);
  }
}

/** The call for `audit search`. */
export function auditCall(command: string, extra: string | undefined, values: AccountsOptions, tools: CliTools): CliCall {
  if (command !== 'search') throw tools.usage(`unknown command "${command}"`);
  if (extra !== undefined) throw tools.usage(`unexpected argument "${extra}"`);
  const query = new URLSearchParams();
  for (const field of ['account', 'type', 'from', 'to', 'limit', 'next'] as const) {
    const value = values[field];
    if (value) query.set(field, value);
  }
  return {
    method: 'GET',
    path: `/admin/api/audit${query.size > 0 ? `?${query}` : ''}`,
    print: (json, output) => {
      const events = (json.events ?? []) as Json[];
      if (events.length === 0) output.out('no events');
      for (const e of events) output.out(`${tools.show(e.at)}  ${tools.show(e.type)}  account ${tools.show(e.accountId)}  by ${tools.show(e.actor)}  ${tools.show(e.ip)}  ${tools.show(JSON.stringify(e.details ?? {}))}`);
      if (typeof json.next === 'string') output.out(`more: --next ${tools.show(json.next)}`);
    },
  };
}
