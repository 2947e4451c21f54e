// The QR code a TV shows next to its user code: it opens /activate with the code filled in, so a
// phone that scans it only has to confirm and sign in.
import Router from '@koa/router';
import { InvalidInputError } from '../errors/http-errors.ts';

// base-20 user codes as tobira issues them (mask ****-****), with or without the dash.
const USER_CODE = /^[BCDFGHJKLMNPQRSTVWXZ]{4}-?[BCDFGHJKLMNPQRSTVWXZ]{4}$/i;

export function qrRoute(issuer: string): Router {
  const router = new Router();
  router.get('/activate/qr.svg', async (ctx) => {
    const code = typeof ctx.query.user_code === 'string' ? ctx.query.user_code : '';
    if (!USER_CODE.test(code)) throw new InvalidInputError('user_code');
    const url = `${issuer}/activate?user_code=${encodeURIComponent(code.toUpperCase())}`;
    ctx.type = 'image/svg+xml';
    ctx.set('Cache-Control', 'no-store');
    // qrcode is loaded by the first code shown, not at start.
    const { default: QRCode } = await import('qrcode');
    ctx.body = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  });
  return router;
}
