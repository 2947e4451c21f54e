// Tokens for partners' APIs (RFC 8707 resource indicators, RFC 9068 JWT access tokens): a
// partner's back end asks for a token for one API with client_credentials; the token is a JWT
// whose audience is that API and whose scopes are those the resources file allows this client.
// Without `resource`, a sign-in's access token stays the opaque one for userinfo.
import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import { errors } from 'oidc-provider';
import { grantedScopes } from '../resources/api-access.ts';
import type { ResourceServer } from '../resources/resources-file.ts';

/** The JWS algorithm of API access tokens: the one every tobira signing key set has (see signing-keys.ts). */
const ACCESS_TOKEN_ALG = 'RS256' as const;

type ResourceIndicatorsFeature = NonNullable<NonNullable<Configuration['features']>['resourceIndicators']>;

function isMachineGrant(ctx: KoaContextWithOIDC): boolean {
  return ctx.oidc.route === 'token' && ctx.oidc.params?.grant_type === 'client_credentials';
}

export function resourceIndicatorsFeature(resources: readonly ResourceServer[], accessTokenTtl: number): ResourceIndicatorsFeature {
  const byIdentifier = new Map(resources.map((resource) => [resource.resource, resource]));
  const allowedFor = (clientId: string, metadata: Record<string, unknown>): ResourceServer[] => resources.filter((resource) => grantedScopes(resource, clientId, metadata) !== null);
  return {
    enabled: true,
    // A back end allowed exactly one API gets a token for it without naming it; one allowed several
    // must name it; a sign-in without `resource` gets the userinfo token.
    defaultResource: async (ctx, client, oneOf) => {
      if (oneOf) return oneOf;
      if (!isMachineGrant(ctx)) return undefined;
      const allowed = allowedFor(client.clientId, client.metadata());
      if (allowed.length === 1) return allowed[0]?.resource;
      throw new errors.InvalidTarget(allowed.length === 0 ? 'this client may not get tokens for any API' : 'name the API with the resource parameter');
    },
    useGrantedResource: async () => false,
    getResourceServerInfo: async (ctx, identifier, client) => {
      // API tokens go to back ends; a user's sign-in is not a way to reach a partner's API (yet).
      if (!isMachineGrant(ctx)) throw new errors.InvalidTarget('tokens for APIs are issued with the client_credentials grant only');
      const resource = byIdentifier.get(identifier);
      const scopes = resource && grantedScopes(resource, client.clientId, client.metadata());
      if (!resource || !scopes) throw new errors.InvalidTarget('this client may not get tokens for that resource');
      return {
        scope: scopes.join(' '),
        audience: resource.resource,
        accessTokenTTL: resource.accessTokenTtl ?? accessTokenTtl,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: ACCESS_TOKEN_ALG } },
      };
    },
  };
}

/** Whether `clientId` is the API (or a client acting for it) that may introspect tokens issued for `audience`. */
export function introspectsFor(resources: readonly ResourceServer[], clientId: string, audience: unknown): boolean {
  return typeof audience === 'string' && resources.some((resource) => resource.resource === audience && resource.introspectedBy.includes(clientId));
}
