import { AppError } from '../../errors/app-error.ts';

/**
 * One answer for every way a link can fail (unknown, used, expired, wrong secret, malformed), so the
 * page tells a guesser nothing and the user what to do.
 */
export class EnrolmentLinkInvalidError extends AppError {
  constructor() {
    super('enrolment_link_invalid', 410, {
      en: 'This link cannot be used: it was already used, has expired, or is incomplete. Start the phone change again, or ask for a new link.',
      ja: 'このリンクは使用できません。すでに使用されたか、有効期限が切れているか、リンクが不完全です。機種変更の手続きを最初からやり直すか、新しいリンクを依頼してください。',
    });
  }
}
