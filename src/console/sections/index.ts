// The console's sections, in nav order: one line each. See console/section.ts for what a section is.
import type { ConsoleDeps } from '../deps.ts';
import type { ConsoleSection } from '../section.ts';
import { keysSection } from './keys.ts';
import { accountsSection } from './accounts.ts';
import { auditSection } from './audit.ts';
import { operatorsSection } from './operators.ts';
import { recoverySection } from './recovery.ts';
import { partnersSection } from './partners.ts';
import { tokensSection } from './tokens.ts';

export function consoleSections(deps: ConsoleDeps): ConsoleSection[] {
  return [
    accountsSection(deps),
    recoverySection(deps),
    auditSection(deps),
    partnersSection(deps),
    operatorsSection(deps),
    tokensSection(deps),
    keysSection(deps),
  ];
}
