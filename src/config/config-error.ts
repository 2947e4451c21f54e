import { E } from '../errors/app-error.ts';

/** A setting is missing or invalid. tobira refuses to start and prints this message. */
export const ConfigError = E('config_invalid', 500, (setting: string, en: string, ja: string) => ({ setting, problem: { en, ja } }));
