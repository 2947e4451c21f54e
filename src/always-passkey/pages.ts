// The pages of the always-passkey switch that a sign-in may return to (the account menu's
// callback only follows paths it knows).
export const ALWAYS_PASSKEY_ON_PAGE = '/account/always-passkey/on';
export const ALWAYS_PASSKEY_OFF_PAGE = '/account/always-passkey/off';
/** The menu with the "it is on" notice: where a password session that turned it on signs in again to. */
export const ALWAYS_PASSKEY_ON_DONE_PAGE = '/account?notice=always_passkey_on';
export const ALWAYS_PASSKEY_PAGES = [ALWAYS_PASSKEY_ON_PAGE, ALWAYS_PASSKEY_OFF_PAGE, ALWAYS_PASSKEY_ON_DONE_PAGE] as const;
