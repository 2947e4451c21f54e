// The kinds of value a setting can hold. Each kind carries its zod type with its bounds, how an
// environment variable's text becomes a raw value, and how the configuration reference describes
// it, so that the loader, the validation and the documentation read one definition.
import { z } from 'zod';
import type { Localized as Messages } from '../i18n/lang.ts';

export type Unit = 'seconds' | 'days' | 'bytes';

const UNIT_JA: Record<Unit, string> = { seconds: '秒', days: '日', bytes: 'バイト' };

export function unitJa(unit: Unit): string {
  return UNIT_JA[unit];
}

export interface Kind<T> {
  readonly schema: z.ZodType<T>;
  /**
   * The raw value for an environment variable's text. Text that is not of this kind is passed on
   * unchanged, so the one validation refuses it with the same message a settings file would get.
   */
  readonly fromEnv: (text: string) => unknown;
  /** Type and bounds, for the configuration reference (Markdown). */
  readonly doc: string;
  /** Numeric bounds, so a refusal can say "between 30 and 600 seconds" rather than half of it. */
  readonly range?: { min: number; max: number; unit?: Unit };
}

/** A check on one value: null when the value is fine, else what is wrong in each language. */
export type Rule<T> = (value: T) => Messages | null;

/** Adds rules as zod refinements whose issues carry both languages (English message, Japanese in params). */
function checked<T>(schema: z.ZodType<T>, rules: ReadonlyArray<Rule<T>>): z.ZodType<T> {
  if (rules.length === 0) return schema;
  return schema.superRefine((value, ctx) => {
    for (const rule of rules) {
      const problem = rule(value);
      if (problem) {
        ctx.addIssue({ code: 'custom', message: problem.en, params: { ja: problem.ja } });
        return;
      }
    }
  });
}

/** 1209600 → "14 days", for the reference; null when no whole unit fits. */
export function humanDuration(seconds: number): string | null {
  const units: Array<[number, string]> = [[86400, 'day'], [3600, 'hour'], [60, 'minute']];
  for (const [size, name] of units) {
    if (seconds >= size && seconds % size === 0) {
      const n = seconds / size;
      return `${n} ${name}${n === 1 ? '' : 's'}`;
    }
  }
  return null;
}

export function integer(min: number, max: number, unit?: Unit): Kind<number> {
  const longest = unit === 'seconds' ? humanDuration(max) : null;
  return {
    schema: z.number().int().min(min).max(max),
    fromEnv: (text) => (/^\d+$/.test(text) ? Number(text) : text),
    doc: `${unit ?? 'integer'}, ${min}–${max}${longest ? ` (${longest})` : ''}`,
    range: { min, max, ...(unit ? { unit } : {}) },
  };
}

const TRUE = /^(1|true|yes|on)$/i;
const FALSE = /^(0|false|no|off)$/i;

export function boolean(): Kind<boolean> {
  return {
    schema: z.boolean(),
    fromEnv: (text) => (TRUE.test(text) ? true : FALSE.test(text) ? false : text),
    doc: 'boolean',
  };
}

export function oneOf<const V extends readonly [string, ...string[]]>(values: V): Kind<V[number]> {
  return {
    schema: z.enum(values),
    fromEnv: (text) => text,
    doc: `one of ${values.map((v) => `\`${v}\``).join(', ')}`,
  };
}

export function text(options: { min?: number; rules?: ReadonlyArray<Rule<string>>; doc?: string } = {}): Kind<string> {
  const min = options.min ?? 0;
  return {
    schema: checked(min > 0 ? z.string().min(min) : z.string(), options.rules ?? []),
    fromEnv: (value) => value,
    doc: options.doc ?? (min > 1 ? `text, at least ${min} characters` : min === 1 ? 'text, not empty' : 'text'),
  };
}

/** A list; from the environment, comma-separated with blanks around items ignored. */
export function list(item: Kind<string>, options: { min?: number } = {}): Kind<string[]> {
  const schema = z.array(item.schema);
  return {
    schema: options.min ? schema.min(options.min) : schema,
    fromEnv: (value) => value.split(',').map((s) => s.trim()).filter(Boolean),
    doc: `comma-separated list${options.min ? ` (at least ${options.min})` : ''} of ${item.doc}`,
  };
}

/**
 * A value that may be left unset (null). `blank: 'none'` makes an empty environment variable mean
 * "none" (null), which is how a deployment switches off an optional service; otherwise an empty
 * value is checked like any other text and usually refused.
 */
export function optional<T>(kind: Kind<T>, options: { blank?: 'none' } = {}): Kind<T | null> {
  return {
    schema: kind.schema.nullable(),
    fromEnv: (value) => (value === '' && options.blank === 'none' ? null : kind.fromEnv(value)),
    doc: options.blank === 'none' ? `${kind.doc}; empty: none` : kind.doc,
    ...(kind.range ? { range: kind.range } : {}),
  };
}
