// What one setting declaration holds, and the walks over the declaration tree that the loader
// (defaults, one zod schema) and the configuration reference (one row per setting) share.
import { z } from 'zod';
import type { Kind } from './kinds.ts';

/** Sections of the configuration reference, in the order it shows them. */
export const SECTIONS = {
  server: 'Server',
  storage: 'Storage and secrets',
  partners: 'Partner services',
  lifetimes: 'Sessions and tokens',
  webauthn: 'Passkeys (WebAuthn)',
  messages: 'Mail and SMS',
  codes: 'One-time codes and recovery',
  push: 'Push approval',
  account: 'Account pages',
  brand: 'Brand',
  operator: 'Operator API',
} as const;

export type Section = keyof typeof SECTIONS;

export interface SettingInit<T> {
  section: Section;
  /** The environment variable that sets it. */
  env: string;
  kind: Kind<T>;
  default: NoInfer<T>;
  /** What it does, for operators (Markdown). */
  description: string;
  /** How the reference shows the default when it is derived or means "off" (Markdown). */
  defaultDoc?: string;
  /** Only the environment may set it (not the settings file). */
  envOnly?: boolean;
  /** Never repeat the value in a refusal (passwords, tokens, keys). */
  secret?: boolean;
}

export class Setting<T> {
  readonly section: Section;
  readonly env: string;
  readonly kind: Kind<T>;
  readonly default: T;
  readonly description: string;
  readonly defaultDoc: string | undefined;
  readonly envOnly: boolean;
  readonly secret: boolean;

  constructor(init: SettingInit<T>) {
    this.section = init.section;
    this.env = init.env;
    this.kind = init.kind;
    this.default = init.default;
    this.description = init.description;
    this.defaultDoc = init.defaultDoc;
    this.envOnly = init.envOnly ?? false;
    this.secret = init.secret ?? false;
  }
}

export function setting<T>(init: SettingInit<T>): Setting<T> {
  return new Setting(init);
}

export interface SettingsTree {
  readonly [key: string]: Setting<unknown> | SettingsTree;
}

/** The plain value a declaration tree describes: each Setting<T> becomes a T. */
export type ValueOf<S> = S extends Setting<infer T> ? T : { -readonly [K in keyof S]: ValueOf<S[K]> };

export interface Declared {
  /** Dotted path in the settings object and the settings file, e.g. `push.approvalTtlSeconds`. */
  path: string;
  keys: string[];
  spec: Setting<unknown>;
}

export function declaredSettings(tree: SettingsTree, prefix: string[] = []): Declared[] {
  return Object.entries(tree).flatMap(([key, node]) => {
    const keys = [...prefix, key];
    return node instanceof Setting ? [{ path: keys.join('.'), keys, spec: node }] : declaredSettings(node, keys);
  });
}

export function defaultsOf(tree: SettingsTree): Record<string, unknown> {
  return Object.fromEntries(Object.entries(tree).map(([key, node]) => [key, node instanceof Setting ? node.default : defaultsOf(node)]));
}

/** One zod schema for the whole tree; groups are strict, so a misspelt key in a settings file is refused. */
export function schemaOf(tree: SettingsTree): z.ZodType {
  return z.strictObject(Object.fromEntries(Object.entries(tree).map(([key, node]) => [key, node instanceof Setting ? node.kind.schema : schemaOf(node)])));
}
