// The pages of the always-passkey switch that a sign-in may return to (the account menu's
// callback only follows paths it knows).
export const ALWAYS_PASSKEY_ON_PAGE = '/account/always-passkey/on';
export const ALWAYS_PASSKEY_OFF_PAGE = '/account/always-passkey/off';
export const ALWAYS_PASSKEY_PAGES = [ALWAYS_PASSKEY_ON_PAGE, ALWAYS_PASSKEY_OFF_PAGE] as const;
