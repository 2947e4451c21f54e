// Connects oidc-provider's Adapter interface to the store port. The one translation it makes: a
// consume that lost the race (AlreadyConsumedError) becomes the OAuth `invalid_grant` error the
// token endpoint would have given for a reused code.
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { errors } from 'oidc-provider';
import { AlreadyConsumedError } from '../store/errors.ts';
import type { Store } from '../store/types.ts';

/** `overrides` answer for some models themselves (the Client model: oidc/store-clients.ts). */
export function adapterFactory(oidc: Store['oidc'], overrides: Readonly<Record<string, Adapter>> = {}): (name: string) => Adapter {
  return (name: string): Adapter => {
    const override = overrides[name];
    if (override) return override;
    const models = oidc(name);
    return {
      upsert: (id: string, payload: AdapterPayload, expiresIn?: number) => models.upsert(id, payload, expiresIn),
      find: (id: string) => models.find(id),
      findByUid: (uid: string) => models.findByUid(uid),
      findByUserCode: (userCode: string) => models.findByUserCode(userCode),
      destroy: (id: string) => models.destroy(id),
      revokeByGrantId: (grantId: string) => models.revokeByGrantId(grantId),
      async consume(id: string) {
        try {
          await models.consume(id);
        } catch (err) {
          if (err instanceof AlreadyConsumedError) throw new errors.InvalidGrant(`${name} already consumed`);
          throw err;
        }
      },
    };
  };
}
