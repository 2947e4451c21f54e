import type { Context } from 'koa';

/** After a POST, send the browser on with GET (303), so a reload does not post again. */
export function seeOther(ctx: Context, location: string): void {
  ctx.status = 303;
  ctx.redirect(location);
}
