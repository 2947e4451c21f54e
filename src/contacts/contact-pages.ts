// The contact pages a re-authentication may return to (the account menu only redirects to known paths).
export const CONTACT_PAGES = ['/account/contacts/email', '/account/contacts/mobile'] as const;
