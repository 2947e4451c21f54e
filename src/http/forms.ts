// Reading what a browser posts: the body parser and the CSRF check built once from the settings,
// and one parse step that turns any bad field into the same clear InvalidInputError.
import type { Middleware } from 'koa';
import type { z } from 'zod';
import { InvalidInputError } from '../errors/http-errors.ts';
import { NameControlCharactersError } from '../names.ts';
import { parseBody } from './body.ts';
import { CONTROL_CHARACTERS_ISSUE } from './fields.ts';
import { requireCsrf } from './csrf.ts';

/** Middleware for a route that accepts a posted form or JSON body from tobira's own pages. */
export interface BodyReaders {
  /** Body parsed (size-limited) and CSRF checked. */
  posted: Middleware[];
  /** Body parsed (size-limited), no CSRF: for the operator API, which authenticates by token. */
  api: Middleware;
}

export function bodyReaders(limitBytes: number): BodyReaders {
  const body = parseBody(limitBytes);
  return { posted: [body, requireCsrf()], api: body };
}

export function parseForm<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue?.path[0];
    if (issue?.code === 'custom' && (issue.params as { reason?: unknown } | undefined)?.reason === CONTROL_CHARACTERS_ISSUE) throw new NameControlCharactersError();
    throw new InvalidInputError(typeof field === 'string' ? field : undefined);
  }
  return result.data;
}
