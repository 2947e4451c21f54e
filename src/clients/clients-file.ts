// Reads the partner services (OIDC clients) an operator registered in a JSON file. Shape checks
// here; the OIDC rules themselves are checked by oidc-provider's own validation (see
// oidc/validate-clients.ts), so the two can never disagree.
import { existsSync, readFileSync } from 'node:fs';
import { ConfigError } from '../config/config-error.ts';

export type ClientMetadata = { client_id: string } & Record<string, unknown>;

export function readClientsFile(file: string): ClientMetadata[] {
  if (!existsSync(file)) {
    throw new ConfigError(file, 'does not exist', 'ファイルがありません');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(file, `is not valid JSON (${(err as Error).message})`, `JSON として不正です（${(err as Error).message}）`);
  }
  if (!Array.isArray(raw)) {
    throw new ConfigError(file, 'must hold a JSON array of client objects', 'クライアントオブジェクトの JSON 配列である必要があります');
  }
  const seen = new Set<string>();
  return raw.map((entry: unknown, index) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new ConfigError(`${file} → [${index}]`, 'must be a JSON object', 'JSON オブジェクトである必要があります');
    }
    const clientId = (entry as Record<string, unknown>).client_id;
    if (typeof clientId !== 'string' || clientId.length === 0) {
      throw new ConfigError(`${file} → [${index}] → client_id`, 'is required and must be a string', '必須で、文字列である必要があります');
    }
    // oidc-provider keys session state by client id; a dot would split that key in MongoDB.
    if (!/^[A-Za-z0-9_\-:]{1,128}$/.test(clientId)) {
      throw new ConfigError(`${file} → client "${clientId}" → client_id`,
        'may contain only letters, digits, "_", "-" and ":" (no dots), at most 128 characters',
        '英数字・「_」「-」「:」のみ（ドット不可）、128 文字以内で指定してください');
    }
    if (seen.has(clientId)) {
      throw new ConfigError(`${file} → client "${clientId}"`, 'is listed twice', '重複しています');
    }
    seen.add(clientId);
    return entry as ClientMetadata;
  });
}
