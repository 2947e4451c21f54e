import { AppError } from '../errors/app-error.ts';

/** A setting is missing or invalid. tobira refuses to start and prints this message. */
export class ConfigError extends AppError {
  readonly setting: string;
  constructor(setting: string, en: string, ja: string) {
    super('config_invalid', 500, { en: `${setting}: ${en}`, ja: `${setting}: ${ja}` });
    this.setting = setting;
  }
}
