// The CLI's `keys` commands (`npm run admin -- keys list|generate|promote|retire`): which operator
// API call each makes and how its answer is printed. cli.ts runs them like the `clients` commands.
type Json = Record<string, unknown>;

export interface KeysOutput {
  out(text: string): void;
  err(text: string): void;
}

export const KEYS_USAGE = `keys commands (the keys that sign ID tokens and API tokens; refused with SIGNING_KEYS_FILE):
  list
  generate            new next keys (ES256 and RS256), published in /jwks at once, signing nothing yet
  promote             the next keys sign from now on (once published SIGNING_KEY_PUBLISH_SECONDS);
                      the current ones retire and stay published until their tokens have expired
  retire [--now] -- <kid>
                      a next key: discard its generation; a retired key with --now: remove it from
                      /jwks at once (a leaked key: what it signed stops verifying); the kid goes
                      after "--" as it may start with "-"`;

export interface KeysRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: Json;
  print: (json: Json, output: KeysOutput, show: (value: unknown) => string) => void;
}

export class KeysUsageError extends Error {}

function printKeys(json: Json, output: KeysOutput, show: (value: unknown) => string): void {
  const keys = (json.keys ?? []) as Json[];
  if (json.source === 'file') output.out('keys from SIGNING_KEYS_FILE (no lifecycle: edit the file and restart to change them)');
  if (keys.length === 0) output.out('no keys');
  const rows = keys.map((key) => {
    const when = key.state === 'next' ? `published ${show(key.createdAt)}, promotable from ${show(key.promotableAt)}`
      : key.state === 'current' ? `signing since ${show(key.promotedAt)}`
        : key.state === 'retired' ? `retired ${show(key.retiredAt)}, leaves /jwks ${show(key.removeAt)}`
          : '';
    return [show(key.state), show(key.alg), show(key.kid), when];
  });
  const header = ['STATE', 'ALG', 'KID', 'WHEN'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  if (rows.length > 0) for (const row of [header, ...rows]) output.out(row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '));
  if (json.source === 'store') {
    output.out(`rotation: ${Number(json.rotationSeconds) > 0 ? `every ${show(json.rotationSeconds)} s` : 'by command only'}; next step due ${show(json.nextScheduledAt)}`);
  }
}

function printChange(verb: string): KeysRequest['print'] {
  return (json, output, show) => {
    for (const key of (json.keys ?? []) as Json[]) output.out(`${verb}: ${show(key.alg)} ${show(key.kid)} (now ${show(key.state)})`);
  };
}

/** The API call for one `keys` command. */
export function keysRequest(command: string, kid: string | undefined, values: { now?: boolean | undefined }): KeysRequest {
  const base = '/admin/api/keys';
  if (command !== 'retire' && kid !== undefined) throw new KeysUsageError(`unexpected argument "${kid}"`);
  switch (command) {
    case 'list':
      return { method: 'GET', path: base, print: printKeys };
    case 'generate':
      return { method: 'POST', path: `${base}/generate`, body: {}, print: printChange('generated') };
    case 'promote':
      return { method: 'POST', path: `${base}/promote`, body: {}, print: printChange('changed') };
    case 'retire': {
      if (!kid) throw new KeysUsageError('"retire" needs a kid (see "keys list")');
      return {
        method: 'POST',
        path: `${base}/${encodeURIComponent(kid)}/retire`,
        body: { immediately: values.now ?? false },
        print: (json, output, show) => output.out(`${json.outcome === 'discarded' ? 'discarded' : 'removed from /jwks'}: ${((json.kids ?? []) as unknown[]).map(show).join(' ')}`),
      };
    }
    default:
      throw new KeysUsageError(`unknown command "${command}"`);
  }
}
