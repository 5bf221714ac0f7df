import { z } from 'zod';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const byteSize = z
  .string()
  .regex(/^[0-9]+(b|kb|mb|gb)$/i, 'must be a size such as 512kb, 2mb or 4gb')
  .transform((v) => v.toLowerCase());

/** An issuer is https, except on the loopback interface where a development provider runs. */
export function isAcceptableIssuer(value: string): boolean {
  try {
    const url = new URL(value);
    if (url.protocol === 'https:') return true;
    return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  } catch {
    return false;
  }
}

const OIDC_REQUIRED_TOGETHER = ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'OIDC_ORGANISATION'] as const;

/** Every setting the application reads from the environment; documented in .env.example. */
export const configSchema = z
  .object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int('must be a whole number').min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  PUBLIC_URL: z.url('must be a URL such as https://datakrav.example.no').optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  ADMIN_EMAIL: z.email('must be an email address').default('admin@datakrav.local'),
  ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').max(200).optional(),
  DEMO: booleanFlag.default(false),
  COOKIE_SECURE: booleanFlag.optional(),
  SESSION_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(12),
  LOGIN_ATTEMPTS_PER_15_MIN: z.coerce.number().int().min(1).max(1000).default(10),
  LOGIN_REQUESTS_PER_IP_15_MIN: z.coerce.number().int().min(1).max(100_000).default(100),
  BODY_LIMIT: byteSize.default('1mb'),
  UPLOAD_LIMIT: byteSize.default('10mb'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: z.string().default('loopback'),
  LIBRARY_DIR: z.string().min(1).default('./requirements'),
  LIBRARY_SYNC_ON_START: booleanFlag.default(true),
  PUBLIC_REGISTER: booleanFlag.default(false),
  VERIFICATION_VALID_MONTHS: z.coerce.number().int().min(1).max(120).default(24),
  OIDC_SECRET_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes in base64 (openssl rand -base64 32)')
    .optional(),
  OIDC_ISSUER: z.string().refine(isAcceptableIssuer, 'must be an https URL (http only on localhost)').optional(),
  OIDC_CLIENT_ID: z.string().min(1).max(500).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).max(2000).optional(),
  OIDC_ORGANISATION: z.string().min(1).max(200).optional(),
  OIDC_SLUG: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be lower-case letters, digits and hyphens').default('sso'),
  OIDC_DISPLAY_NAME: z.string().min(1).max(100).optional(),
  OIDC_SCOPES: z.string().regex(/(^|\s)openid(\s|$)/, 'must include openid').default('openid email profile'),
  OIDC_ROLE_CLAIM: z.string().min(1).max(200).default('groups'),
  OIDC_JIT: booleanFlag.default(true),
  OIDC_USERINFO: booleanFlag.default(false),
  ACCESSIBILITY_CONTACT: z.email('must be an email address').optional(),
  ACCESSIBILITY_STATEMENT_URL: z.url('must be a URL such as https://uustatus.no/nb/erklaringer/publisert/…').optional(),
  IMPORT_LIMIT: byteSize.default('8gb'),
  IMPORT_ENTRY_LIMIT: byteSize.default('2gb'),
  IMPORT_EXPANDED_LIMIT: byteSize.default('32gb'),
  IMPORT_MAX_RATIO: z.coerce.number().int().min(2).max(100_000).default(200),
  BACKUP_DIR: z.string().min(1).optional(),
  BACKUP_EVERY_HOURS: z.coerce.number().min(0.01).max(24 * 31).default(24),
  BACKUP_KEEP: z.coerce.number().int().min(1).max(1000).default(7),
  })
  .superRefine((config, ctx) => {
    const given = OIDC_REQUIRED_TOGETHER.filter((name) => config[name] !== undefined);
    if (given.length === 0) return;
    for (const name of OIDC_REQUIRED_TOGETHER) {
      if (config[name] === undefined) ctx.addIssue({ code: 'custom', path: [name], message: `is required when ${given.join(', ')} is set` });
    }
  });

/** "10mb" → bytes; the sizes this schema accepts. */
export function bytesOf(value: string): number {
  const match = /^([0-9]+)(b|kb|mb|gb)$/.exec(value.toLowerCase()) as RegExpExecArray;
  const unit = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[match[2] as 'b' | 'kb' | 'mb' | 'gb'];
  return Number(match[1]) * unit;
}

export type Config = z.infer<typeof configSchema> & { cookieSecure: boolean };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment once; an invalid value stops start-up with the variable's name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const config = parsed.data;
  return { ...config, cookieSecure: config.COOKIE_SECURE ?? config.NODE_ENV === 'production' };
}
