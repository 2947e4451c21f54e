import { bodyParser } from '@koa/bodyparser';
import type { Middleware } from 'koa';
import { InvalidInputError, PayloadTooLargeError } from '../errors/http-errors.ts';

/** Form and JSON bodies for tobira's own routes (oidc-provider parses its own), with a size limit. */
export function parseBody(limitBytes: number): Middleware {
  const parser = bodyParser({
    enableTypes: ['form', 'json'],
    formLimit: `${limitBytes}b`,
    jsonLimit: `${limitBytes}b`,
    encoding: 'utf-8',
    onError: (err: Error & { status?: number; type?: string }) => {
      if (err.status === 413 || err.type === 'entity.too.large') throw new PayloadTooLargeError();
      throw new InvalidInputError();
    },
  });
  return parser as unknown as Middleware;
}
