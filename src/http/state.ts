import type { Lang } from '../i18n/lang.ts';
import type { Translate } from '../i18n/messages.ts';
import type { Logger } from '../log.ts';

/** What the request-context middleware puts on ctx.state for everything after it. */
export interface RequestState {
  requestId: string;
  log: Logger;
  lang: Lang;
  t: Translate;
}
