import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { generateKeyPair } from 'jose';
import supertest from 'supertest';

export type TestClient = { client_id: string; client_secret: string; redirect_uris: string[]; post_logout_redirect_uris?: string[] };
type Claims = Record<string, unknown>;
type SigningKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

/**
 * A real OpenID Connect provider (`oidc-provider`) on a random loopback port, with test clients
 * and accounts. Its login interaction is a form that takes the account's subject. `tamperIdToken`
 * makes its token endpoint answer with a changed ID token, signed with its own key or another
 * one: the misbehaving or hostile provider the client must refuse.
 */
export async function startOidcProvider(options: { clients: TestClient[]; claimsOnlyInUserinfo?: boolean }) {
  const { default: Provider } = await import('oidc-provider');
  const jose = await import('jose');
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const kid = 'test-signing-key';
  const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
  const signingJwk = { ...(await jose.exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
  const accounts = new Map<string, Claims>();
  const tamper: { change: ((claims: Claims) => Claims) | null; key: SigningKey | null } = { change: null, key: null };

  const provider = new Provider(issuer, {
    clients: options.clients.map((c) => ({ ...c, grant_types: ['authorization_code'], response_types: ['code'] })),
    jwks: { keys: [signingJwk] },
    cookies: { keys: ['oidc-test-cookie-key'] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'given_name', 'family_name'], groups: ['groups'] },
    // By default the claims of the requested scopes go into the ID token too, as Entra ID and
    // Keycloak do; `claimsOnlyInUserinfo` keeps them for the userinfo endpoint, as the spec prefers.
    conformIdTokenClaims: options.claimsOnlyInUserinfo ?? false,
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx, sub) => {
      const claims = accounts.get(sub);
      return claims ? { accountId: sub, claims: () => ({ sub, ...claims }) } : undefined;
    },
  });

  provider.use(async (ctx, next) => {
    const interaction = /^\/interaction\/([^/]+)$/.exec(ctx.path);
    if (interaction && ctx.method === 'GET') {
      ctx.type = 'html';
      ctx.body = `<form method="post"><input name="login"><button>Log in</button></form>`;
      return;
    }
    if (interaction && ctx.method === 'POST') {
      const form = new URLSearchParams(await readBody(ctx.req));
      const details = await provider.interactionDetails(ctx.req, ctx.res);
      const accountId = form.get('login') ?? '';
      const grant = new provider.Grant({ accountId, clientId: String(details.params.client_id) });
      grant.addOIDCScope(String(details.params.scope));
      const grantId = await grant.save();
      const to = await provider.interactionResult(ctx.req, ctx.res, { login: { accountId }, consent: { grantId } }, { mergeWithLastSubmission: false });
      ctx.status = 303;
      ctx.redirect(to);
      return;
    }
    await next();
    const body = ctx.body as { id_token?: string } | undefined;
    if (ctx.path === '/token' && tamper.change && body?.id_token) {
      const claims = tamper.change({ ...jose.decodeJwt(body.id_token) });
      const idToken = await new jose.SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid }).sign(tamper.key ?? privateKey);
      ctx.body = { ...body, id_token: idToken };
    }
  });
  server.on('request', provider.callback());

  return {
    issuer,
    setAccount(sub: string, claims: Claims) {
      accounts.set(sub, claims);
    },
    /** From now on, ID tokens from the token endpoint are changed this way (and signed with `key`, if given). */
    tamperIdToken(change: ((claims: Claims) => Claims) | null, key: SigningKey | null = null) {
      tamper.change = change;
      tamper.key = key;
    },
    async otherKey(): Promise<SigningKey> {
      return (await jose.generateKeyPair('RS256')).privateKey;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type TestOidcProvider = Awaited<ReturnType<typeof startOidcProvider>>;

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

/** The path and query of an absolute or relative address. */
export function pathOf(location: string, base = 'http://localhost'): string {
  const url = new URL(location, base);
  return `${url.pathname}${url.search}`;
}

/**
 * Walks a browser through the provider: from the authorization URL, through its login form (as
 * `sub`), to the redirect back to the application. Returns that callback address.
 */
export async function signInAtProvider(idp: TestOidcProvider, authorizationUrl: string, sub: string): Promise<string> {
  const browser = supertest.agent(idp.issuer);
  let location = authorizationUrl;
  for (let hop = 0; hop < 10; hop += 1) {
    if (!location.startsWith(idp.issuer) && !location.startsWith('/')) return location;
    const path = pathOf(location, idp.issuer);
    const res = /^\/interaction\//.test(path) ? await browser.post(path).type('form').send({ login: sub }) : await browser.get(path);
    if (res.status !== 303 && res.status !== 302) throw new Error(`provider answered ${res.status} at ${path}: ${res.text.slice(0, 300)}`);
    location = res.headers.location as string;
  }
  throw new Error('too many redirects at the provider');
}

/** The provider address on a page that moves on to it by itself (after a form post, which CSP keeps on this site). */
export function providerUrlIn(html: string): string {
  const match = /<meta http-equiv="refresh" content="0;url=([^"]+)">/.exec(html);
  if (!match?.[1]) throw new Error('the page does not move on to the provider');
  return match[1].replace(/&amp;/g, '&').replace(/&#x3D;/g, '=').replace(/&#x27;/g, "'");
}
