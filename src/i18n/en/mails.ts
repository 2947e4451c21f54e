// English mails, SMS and notices; the templates and their values come from i18n/ja/mails.ts.
import type { ContactKindName, MailTemplates, SignInMethodName } from '../ja/mails.ts';

const PHONE_IF_NOT_YOU = 'If this was not you, remove this phone and its passkey in your account menu (/account) at once. If you cannot sign in, ask for account recovery.';

const CONTACT_KIND: Readonly<Record<ContactKindName, string>> = { email: 'contact e-mail address', mobile: 'contact mobile number' };

const SIGN_IN_METHOD: Readonly<Record<SignInMethodName, string>> = { password: 'password', passkey: 'passkey', push: 'phone notification' };

export const mails: MailTemplates = {
  // Sign-up
  signupCode: (p) => ({ subject: `tobira verification code: ${p.code}`, text: `Your tobira sign-up verification code is ${p.code}.\nEnter it within ${p.minutes} minutes.\n\nIf you did not ask for it, ignore this e-mail.\n` }),
  alreadyRegistered: () => ({ subject: 'tobira: someone tried to sign up with your address', text: 'Someone tried to sign up for a new tobira account with this e-mail address, which already has an account. No new account was made and no code was sent.\nIf it was you, sign in instead (or reset your password if you forgot it).\n\nIf it was not you, ignore this e-mail: your account is unchanged.\n' }),

  // Push approval
  pushReported: (p) => ({ subject: 'tobira: a sign-in request you did not make was refused', text: `You refused a sign-in request to ${p.client} (${p.where}, ${p.time}).\nSign-in by phone notification is paused for a while; your passkeys still work.\n` }),
  handoffRefused: (p) => ({ subject: 'tobira: a phone set-up was cancelled as unexpected', text: `The phone set-up code shown on your computer was opened on a phone (${p.where}), and that phone chose "This wasn't me / cancel". No phone was set up.\nIf this was not you, someone may have seen your screen or the code. Check the browsers and phones signed in to your account in the account menu (/account).\n` }),
  pushWrongNumber: (p) => ({ subject: 'tobira: a sign-in request was refused because the wrong number was chosen on your phone', text: `A sign-in request to ${p.client} (${p.where}, ${p.time}) was answered on your phone with a number that did not match the screen, so it was refused.\nIf you did not ask to sign in, someone is trying to sign in with your e-mail address: do not approve requests you did not start.\nFor the next ${p.minutes} minutes, sign-in by phone notification works only from browsers you have used before; your passkeys still work.\n` }),

  // Password reset
  resetCode: (p) => ({ subject: `tobira password reset code: ${p.code}`, text: `Your tobira password reset code is ${p.code}.\nEnter it within ${p.minutes} minutes.\n\nIf you did not ask for it, ignore this e-mail: your password stays as it is.\n` }),
  resetOff: () => ({ subject: 'tobira: password reset is off for this account', text: 'Someone asked to reset the password of this account, but it uses "Always passkey": it has no password, and password reset is off. Sign in with your passkey (biometrics or screen lock) or a notification to your phone.\nTo use a password again, sign in with your passkey and turn "Always passkey" off in your account (you set a new password there).\n\nIf you did not ask for this, ignore this e-mail.\n' }),
  passwordChanged: () => ({
    subject: 'tobira: your password was reset',
    text: 'The password of your tobira account was reset with a code sent by e-mail. For your safety, every sign-in was ended and partner services\' tokens were revoked.\n\nIf this was not you, sign in with your passkey now and check your account.\n',
    sms: 'tobira: your password was reset. If this was not you, check your account now.',
  }),

  // Phone change
  phoneChangeCode: (p) => ({ subject: `tobira phone change code: ${p.code}`, text: `Your tobira phone change code is ${p.code}.\nEnter it on your new phone within ${p.minutes} minutes. A second code was sent by SMS.\n\nIf you did not ask for it, do not enter it anywhere: someone is trying to move your account to another phone.\n` }),
  phoneChangeCodeSms: (p) => `tobira phone change code: ${p.code} (valid ${p.minutes} min). If you did not ask for it, do not enter it.`,
  newPhone: (p) => ({
    subject: 'tobira: a new phone was set up',
    text: `The phone "${p.phone}" was set up to approve sign-ins to your tobira account (${p.when}).\n\n${PHONE_IF_NOT_YOU}\n`,
    sms: `tobira: the phone "${p.phone}" was set up to approve your sign-ins. If this was not you, remove it in your account menu.`,
  }),
  phoneChangePasskey: (p) => ({
    subject: 'tobira: a passkey was added for your new phone',
    text: `A passkey on a new phone was added to your tobira account through a phone change confirmed with the codes sent to your contact e-mail and mobile number (${p.when}).\n\n${PHONE_IF_NOT_YOU}\n`,
    sms: 'tobira: a passkey for a new phone was added to your account. If this was not you, remove it in your account menu.',
  }),
  passkeyAdded: (p) => ({
    subject: 'tobira: a new passkey was added',
    text: `The passkey "${p.passkey}" was added to your tobira account (${p.when}).\n\nIf this was not you, delete this passkey in your account menu (/account) at once and reset your password. If you cannot sign in, ask for account recovery.\n`,
    sms: `tobira: the passkey "${p.passkey}" was added to your account. If this was not you, delete it in your account menu.`,
  }),
  emailProven: (p) => ({
    subject: 'tobira: your e-mail address is confirmed',
    text: `The e-mail address of your tobira account is now confirmed.${p.removed ? '\nEvery passkey, phone, trusted browser and contact added before it was confirmed has been removed: someone who does not receive this address\'s mail may have created and used the account before you. Sign in now and add again what you need.' : ''}\n\nIf this was not you, reset your password at once.\n`,
    sms: 'tobira: the e-mail address of your account is confirmed.',
  }),
  phoneRemoved: (p) => ({
    subject: 'tobira: a phone was removed from your account',
    text: `The phone "${p.phone}" and its passkey were removed from your tobira account.\nFor your safety every session (the browser that removed the phone too), every partner service token and every trusted browser of the account was revoked.\nIf this was not you, contact support immediately.\n`,
    sms: `tobira: phone "${p.phone}" was removed and all sign-ins were revoked. Not you? Contact support.`,
  }),

  // Contacts
  contactCode: (p) => ({ subject: `tobira verification code: ${p.code}`, text: `Your code to confirm this address as your tobira contact e-mail is ${p.code}.\nEnter it in your account menu within ${p.minutes} minutes. Never give this code to anyone.\n\nIf you did not ask for it, ignore this e-mail.\n` }),
  contactCodeSms: (p) => `tobira code: ${p.code} (valid ${p.minutes} min). Never share it.`,
  contactChanged: (p) => {
    const what = CONTACT_KIND[p.kind];
    const headline = { added: `a ${what} was added`, changed: `your ${what} was changed`, removed: `your ${what} was removed` }[p.action];
    const detail = p.action === 'removed' ? '' : ` (new ${what}: ${p.masked})`;
    return {
      subject: `tobira: ${headline}`,
      text: `On your tobira account, ${headline}${detail}. Time: ${p.at}\n\nIf this was not you, open ${p.accountUrl} now: check your sign-in history, trusted browsers and contact details, and review your passkeys and password.\n`,
      sms: `tobira: ${headline}. Not you? Check ${p.accountUrl}`,
    };
  },

  // Sign-in
  signInWhere: (p) => [p.ip, p.place].filter(Boolean).join(', '),
  newSignIn: (p) => ({
    subject: 'tobira: new sign-in from a browser',
    text: [
      'Someone signed in to your tobira account from a browser that was not trusted before.',
      '',
      `Time: ${p.at}`,
      `Service: ${p.service}`,
      `Browser: ${p.browser}`,
      `IP address and place: ${p.where}`,
      `Method: ${SIGN_IN_METHOD[p.method]}`,
      '',
      'If this was you, there is nothing to do.',
      `If it was not you, open ${p.accountUrl} now: check your sign-in history, revoke trusted browsers and connected services you do not know, and change your password or turn on always passkey.`,
      '',
    ].join('\n'),
    sms: `tobira: new sign-in to ${p.service} from ${p.browser}. Not you? Check ${p.accountUrl}`,
  }),

  // Always passkey
  alwaysPasskeyOn: (p) => {
    const services = p.revokedServices.join(', ');
    return {
      subject: 'tobira: Always passkey was turned on',
      text: '"Always passkey" was turned on for your tobira account. Your password was deleted; from now on you sign in only with a passkey (biometrics or screen lock) or a notification to your phone.\n'
        + (services ? `Services that need a password (${services}) were disconnected.\n` : '')
        + '\nIf this was not you, sign in with your passkey now and check your account.\n',
      sms: 'tobira: "Always passkey" was turned on. If this was not you, check your account now.',
    };
  },
  alwaysPasskeyOff: () => ({
    subject: 'tobira: Always passkey was turned off',
    text: '"Always passkey" was turned off for your tobira account and a new password was set: the account can sign in with a password again.\n\nIf this was not you, sign in with your passkey now and check your account.\n',
    sms: 'tobira: "Always passkey" was turned off and a password was set. If this was not you, check your account now.',
  }),

  // Recovery (the second half of the bilingual messages: no "tobira:" of its own)
  recoveryLink: (p) => ({
    subject: 'Recover your account',
    text: `Your request to recover your tobira account was approved.\nOpen this link on your new phone and register a passkey (valid for ${p.hours} hours, usable once):\n\n${p.link}\n\nWhen you do, every earlier passkey, phone, session and trusted browser of the account stops working.\nIf you did not ask for this, do not open the link and contact support.\n`,
  }),
  recoveryLinkSms: (p) => `account recovery link (${p.hours}h, once): ${p.link}`,
  recoveryRequested: () => ({
    subject: 'A recovery request was filed',
    text: 'Someone asked to recover your tobira account because the phone was lost. An operator will review the request.\nIf it was you, there is nothing else to do. If it was not you, contact support.\n',
    sms: 'A recovery request was filed for your account. Not you? Contact support.',
  }),
  recoveryCompleted: (p) => ({
    subject: 'tobira: your account was recovered',
    text: [
      'Your tobira account was recovered and a new passkey was registered.',
      'Every earlier passkey and phone was removed, and every session, partner service token and trusted browser was revoked.',
      ...(p.passwordRemoved ? ['The account\'s password was removed too: whoever had your phone could have set it. Sign in with your new passkey.'] : []),
      '',
      'Whoever had your phone could have changed your contact details. Please check the contact details your account has now:',
      `  Sign-in e-mail: ${p.email}`,
      `  Contact e-mail: ${p.contactEmail ?? 'none'}`,
      `  Contact mobile: ${p.contactMobile ?? 'none'}`,
      'If one of them is not yours, change it in the account menu.',
      '',
      'If this was not you, contact support immediately.',
      '',
    ].join('\n'),
    sms: `tobira: your account was recovered.${p.passwordRemoved ? ' Its password was removed.' : ''} Please check your contact details. Not you? Contact support now.`,
  }),
};
