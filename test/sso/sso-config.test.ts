import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from '../../server/config';

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the configuration was accepted');
}

describe('single sign-on configuration', () => {
  test('When OIDC_ISSUER is set without the client and organisation, then start-up stops naming each missing variable', () => {
    const message = problemsOf({ OIDC_ISSUER: 'https://login.microsoftonline.com/tenant/v2.0' });
    expect(message).toMatch(/OIDC_CLIENT_ID: is required/);
    expect(message).toMatch(/OIDC_CLIENT_SECRET: is required/);
    expect(message).toMatch(/OIDC_ORGANISATION: is required/);
  });

  test('When the issuer is plain http on another host, or the key is not 32 bytes, then the variable is named', () => {
    expect(problemsOf({ OIDC_ISSUER: 'http://login.example.no', OIDC_CLIENT_ID: 'a', OIDC_CLIENT_SECRET: 'b', OIDC_ORGANISATION: 'c' })).toMatch(/OIDC_ISSUER: must be an https URL/);
    expect(problemsOf({ OIDC_SECRET_KEY: 'too-short' })).toMatch(/OIDC_SECRET_KEY: must be 32 bytes in base64/);
    expect(problemsOf({ OIDC_SCOPES: 'email profile' })).toMatch(/OIDC_SCOPES: must include openid/);
  });

  test('When the environment provider is complete, then it is read with its defaults', () => {
    const config = loadConfig({
      OIDC_ISSUER: 'https://auth.example.no/realms/kommune',
      OIDC_CLIENT_ID: 'datakrav',
      OIDC_CLIENT_SECRET: 'secret',
      OIDC_ORGANISATION: '974760673',
      OIDC_SECRET_KEY: randomBytes(32).toString('base64'),
    });
    expect(config).toMatchObject({ OIDC_SLUG: 'sso', OIDC_SCOPES: 'openid email profile', OIDC_ROLE_CLAIM: 'groups', OIDC_JIT: true, OIDC_USERINFO: false });
  });
});
