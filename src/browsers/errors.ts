import { E } from '../errors/app-error.ts';

export const TrustedBrowserNotFoundError = E('trusted_browser_not_found', 404);
