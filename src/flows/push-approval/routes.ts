// "Notify my phone" on the sign-in page: start an approval, wait for it (server-sent events, or
// polling), and finish the sign-in once the phone approved. Every step is bound to this sign-in
// and this browser; the state lives in the store, so any process can serve any step.
import { email, randomId } from '../../http/fields.ts';
import { PassThrough } from 'node:stream';
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { PasskeyRequiredError } from '../../accounts/errors.ts';
import { ApprovalNotFoundError } from './errors.ts';
import type { WaitingStatus } from './flow.ts';
import type { ApprovalService, ContextInEveryLang } from './service.ts';
import { LANGS } from '../../i18n/lang.ts';
import { auditContextOf } from '../../http/audit-context.ts';
import { browserLabel } from '../../browsers/browser-label.ts';
import { browserBinding, trustedBrowserToken } from '../../http/browser-cookies.ts';
import { langOf, type RequestState } from '../../http/state.ts';
import { INTERACTION_PATH, type InteractionDeps } from '../../interactions/deps.ts';
import { finishSignIn } from '../../interactions/finish.ts';
import { parseForm } from '../../http/forms.ts';
import { clientSummary, loadInteraction } from '../../interactions/load-interaction.ts';
import { phrRequired, typedPushRequired } from '../../interactions/page.ts';

const requestForm = z.object({ email });

/** The asking browser and its place named in every language: the phone shows its own. */
function inEveryLang(ctx: Context, places: InteractionDeps['places']): ContextInEveryLang {
  const named: ContextInEveryLang = {};
  for (const lang of LANGS) {
    named[`browser_${lang}`] = browserLabel(ctx.get('user-agent'), lang);
    named[`place_${lang}`] = places.place(ctx.ip, lang);
  }
  return named;
}
const approvalIdParam = randomId;
const SSE_POLL_MS = 1_000;

export function pushRoutes(deps: InteractionDeps & { approvals: ApprovalService }): Router<RequestState> {
  const { provider, approvals } = deps;
  const router = new Router<RequestState>({ prefix: INTERACTION_PATH });
  const json = deps.bodies.posted;

  async function statusOf(ctx: Context, uid: string): Promise<WaitingStatus> {
    const id = approvalIdParam.safeParse(ctx.params.approvalId);
    if (!id.success) throw new ApprovalNotFoundError();
    try {
      return (await approvals.forBrowser(id.data, uid, browserBinding(ctx))).status;
    } catch (err) {
      // The store hides an approval once it expires; a forged id is simply not found.
      if (err instanceof ApprovalNotFoundError) return 'expired';
      throw err;
    }
  }

  router.post('/push', ...json, async (ctx) => {
    const details = await loadInteraction(ctx, provider);
    if (phrRequired(details)) throw new PasskeyRequiredError();
    const { email } = parseForm(requestForm, ctx.request.body);
    const client = await clientSummary(provider, details);
    const started = await approvals.request({
      email,
      interactionUid: details.uid,
      browserBinding: browserBinding(ctx),
      trustedBrowserToken: trustedBrowserToken(ctx),
      context: { client: client.name, clientLogo: client.logoUri ?? '', browser: browserLabel(ctx.get('user-agent'), langOf(ctx)), ip: ctx.ip, place: deps.places.place(ctx.ip, langOf(ctx)), ...inEveryLang(ctx, deps.places) },
      audit: auditContextOf(ctx),
      requireTyped: typedPushRequired(details),
    });
    ctx.body = started;
  });

  router.get('/push/:approvalId', async (ctx) => {
    const details = await loadInteraction(ctx, provider);
    ctx.body = { status: await statusOf(ctx, details.uid) };
  });

  // Server-sent events: one `status` event whenever it changes, until it is no longer pending.
  router.get('/push/:approvalId/events', async (ctx) => {
    const details = await loadInteraction(ctx, provider);
    const id = approvalIdParam.safeParse(ctx.params.approvalId);
    const stream = new PassThrough();
    ctx.set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
    ctx.status = 200;
    ctx.body = stream;
    let last = '';
    let closed = false;
    ctx.req.on('close', () => { closed = true; });
    const tick = async (): Promise<void> => {
      if (closed) return;
      // Listening starts before the read: a decision taken while the read is under way still wakes
      // the stream (otherwise it would wait out SSE_POLL_MS). An unused wait simply times out.
      // Decisions of other processes wake it too, within the service's DECISION_WATCH_MS.
      const decided = id.success ? approvals.untilDecided(id.data, SSE_POLL_MS) : undefined;
      const status = await statusOf(ctx, details.uid).catch(() => 'expired' as const);
      if (status !== last) {
        stream.write(`event: status\ndata: ${JSON.stringify({ status })}\n\n`);
        last = status;
      }
      // Read again once it is decided, or after SSE_POLL_MS at the latest.
      if (status === 'pending' && decided) void decided.then(tick);
      else stream.end();
    };
    void tick();
  });

  // "Use another way": the phone's request is withdrawn (the phone then shows it so).
  router.post('/push/:approvalId/withdraw', ...json, async (ctx) => {
    const details = await loadInteraction(ctx, provider);
    const id = approvalIdParam.safeParse(ctx.params.approvalId);
    if (!id.success) throw new ApprovalNotFoundError();
    await approvals.withdrawForBrowser(id.data, details.uid, browserBinding(ctx), auditContextOf(ctx));
    ctx.body = { status: 'withdrawn' };
  });

  router.post('/push/:approvalId/complete', ...json, async (ctx) => {
    const details = await loadInteraction(ctx, provider);
    const id = approvalIdParam.safeParse(ctx.params.approvalId);
    if (!id.success) throw new ApprovalNotFoundError();
    const { approval, account } = await approvals.completeForBrowser(id.data, details.uid, browserBinding(ctx));
    await finishSignIn(ctx, deps, details, account, { kind: 'push', approvalId: approval.id, userVerified: approval.userVerified, matching: approval.matching });
  });

  return router;
}
