// The console's signing keys page (/console/keys), admins only (scope `keys`): every key with its
// state and dates, when the schedule acts next, and the same operations as `npm run admin -- keys`
// (generate, promote, discard a next generation, remove a retired one at once). The rules and the
// refusals are the service's (oidc/signing-key-service.ts); a refusal is shown on the page.
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { operatorAudit, type OperatorState } from '../../admin/acting-operator.ts';
import { KID_PATTERN } from '../../admin/key-routes.ts';
import type { AppError } from '../../errors/app-error.ts';
import { showingRefusals } from '../../http/form-refusal.ts';
import { parseForm } from '../../http/forms.ts';
import { seeOther } from '../../http/see-other.ts';
import { langOf } from '../../http/state.ts';
import { translator } from '../../i18n/messages.ts';
import type { ConsoleDeps } from '../deps.ts';
import { consoleTime, formRefusal, renderConsole, type ConsoleSection } from '../section.ts';

const PREFIX = '/console/keys';
const retireForm = z.object({ kid: z.string().regex(KID_PATTERN), immediately: z.enum(['true', 'false']).default('false') });
const NOTICES = {
  generated: 'console.keys.notice_generated',
  promoted: 'console.keys.notice_promoted',
  discarded: 'console.keys.notice_discarded',
  removed: 'console.keys.notice_removed',
} as const;
type Notice = keyof typeof NOTICES;

const isNotice = (value: unknown): value is Notice => typeof value === 'string' && value in NOTICES;

/** A number of seconds in the largest whole-ish unit, in the page's language ("1 day", "5 分"). */
function duration(lang: string): (seconds: number) => string {
  return (seconds) => {
    const [unit, size] = seconds >= 86_400 ? ['day', 86_400] as const : seconds >= 3600 ? ['hour', 3600] as const : seconds >= 60 ? ['minute', 60] as const : ['second', 1] as const;
    return new Intl.NumberFormat(lang, { style: 'unit', unit, unitDisplay: 'long', maximumFractionDigits: 1 }).format(seconds / size);
  };
}

export function keysSection(deps: ConsoleDeps): ConsoleSection {
  const keys = deps.signingKeys;
  const router = new Router<OperatorState>({ prefix: PREFIX });
  const form = deps.bodies.posted;

  async function page(ctx: Context, error?: AppError): Promise<void> {
    const listing = await keys.list();
    const format = consoleTime(ctx, deps.displayTimeZone);
    const notice = isNotice(ctx.query.notice) ? translator(langOf(ctx))(NOTICES[ctx.query.notice]) : '';
    await renderConsole(ctx, 'console/keys', {
      listing,
      hasNext: listing.keys.some((key) => key.state === 'next'),
      time: (at: string | null) => format(at === null ? null : new Date(at)),
      duration: duration(langOf(ctx)),
      notice,
      ...formRefusal(ctx, error),
    }, error ? error.status : 200);
  }

  router.get('/', (ctx) => page(ctx));

  router.post('/generate', ...form, async (ctx) => {
    await showingRefusals(async () => {
      await keys.generate(operatorAudit(ctx));
      seeOther(ctx, `${PREFIX}?notice=generated`);
    }, (error) => page(ctx, error));
  });

  router.post('/promote', ...form, async (ctx) => {
    await showingRefusals(async () => {
      await keys.promote(operatorAudit(ctx));
      seeOther(ctx, `${PREFIX}?notice=promoted`);
    }, (error) => page(ctx, error));
  });

  router.post('/retire', ...form, async (ctx) => {
    await showingRefusals(async () => {
      const input = parseForm(retireForm, ctx.request.body);
      const result = await keys.retire(input.kid, { immediately: input.immediately === 'true' }, operatorAudit(ctx));
      seeOther(ctx, `${PREFIX}?notice=${result.outcome}`);
    }, (error) => page(ctx, error));
  });

  return { id: 'keys', label: 'console.nav.keys', scope: 'keys', router };
}
