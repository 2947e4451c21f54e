// The console's partners pages (/console/partners), admins only (scope `clients`): the partner
// services (OIDC clients) through admin/client-registry.ts, the same rules as the API and the CLI.
import Router from '@koa/router';
import { type OperatorState } from '../../admin/acting-operator.ts';
import type { ConsoleDeps } from '../deps.ts';
import { renderConsole, type ConsoleSection } from '../section.ts';

const PREFIX = '/console/partners';

export function partnersSection(deps: ConsoleDeps): ConsoleSection {
  const router = new Router<OperatorState>({ prefix: PREFIX });

  router.get('/', async (ctx) => {
    await renderConsole(ctx, 'console/partners', { clients: await deps.clients.list(), notice: '' });
  });

  return { id: 'partners', label: 'console.nav.partners', scope: 'clients', router };
}
