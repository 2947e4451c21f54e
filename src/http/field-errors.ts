// Which form fields a refusal is about, so the page can tie its message to them: the field gets
// aria-invalid and points at the message (#form-error) with aria-describedby. One table for every
// form; a refusal not listed here is about the form as a whole and marks no field.

/** Refusal code → the `name` of each field it concerns. */
const FIELDS_OF_CODE: Readonly<Record<string, readonly string[]>> = {
  invalid_credentials: ['email', 'password'],
  email_taken: ['email'],
  weak_password: ['password'],
  new_password_required: ['password'],
  code_invalid: ['code', 'email_code', 'mobile_code'],
  code_expired: ['code', 'email_code', 'mobile_code'],
  contact_email_invalid: ['value'],
  mobile_number_invalid: ['value', 'contactMobile'],
  not_a_mobile_number: ['value', 'contactMobile'],
  contact_required: ['contactEmail', 'contactMobile'],
  name_control_characters: ['name'],
  control_characters: ['message', 'name'],
  confirmation_required: ['confirm'],
  recovery_account_unknown: ['account', 'accountId'],
};

/** True when the refusal on the page concerns the field named `name`. */
export function fieldIsInvalid(errorCode: unknown, errorField: unknown, name: string): boolean {
  if (typeof errorCode !== 'string' || errorCode === '') return false;
  if (errorCode === 'invalid_input') return errorField === name;
  return FIELDS_OF_CODE[errorCode]?.includes(name) ?? false;
}

/**
 * The attributes a field carries (views: `<input … <%- field('password') %>>`): aria-invalid and
 * aria-describedby pointing at the page's message when the refusal concerns it, plus any
 * description the field always has. Only fixed ids are ever written, so the text is safe unescaped.
 */
export function fieldAttributes(errorCode: unknown, errorField: unknown, name: string, describedBy?: string): string {
  const ids = [describedBy, fieldIsInvalid(errorCode, errorField, name) ? 'form-error' : undefined].filter((id): id is string => !!id && /^[A-Za-z][\w-]*$/.test(id));
  const invalid = ids.includes('form-error') ? ' aria-invalid="true"' : '';
  return `${invalid}${ids.length > 0 ? ` aria-describedby="${ids.join(' ')}"` : ''}`;
}
