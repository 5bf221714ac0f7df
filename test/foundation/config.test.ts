import { ConfigError, loadConfig } from '../../server/config';

describe('configuration', () => {
  test('When nothing is set, then the embedded database in ./data on port 3000 is used', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 3000, DATA_DIR: './data', DEMO: false, cookieSecure: false });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  test('When values are invalid, then the error names every variable and the problem', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', ADMIN_PASSWORD: 'short', BODY_LIMIT: 'lots' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/PORT:/);
    expect(message).toMatch(/DATABASE_URL: must start with postgres:\/\//);
    expect(message).toMatch(/ADMIN_PASSWORD: must be at least 12 characters/);
    expect(message).toMatch(/BODY_LIMIT: must be a size such as 512kb, 2mb or 4gb/);
  });

  test('When running in production, then cookies are Secure unless turned off explicitly', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).cookieSecure).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production', COOKIE_SECURE: 'false' }).cookieSecure).toBe(false);
  });
});
