import { z } from 'zod';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const byteSize = z
  .string()
  .regex(/^[0-9]+(b|kb|mb)$/i, 'must be a size such as 512kb or 2mb')
  .transform((v) => v.toLowerCase());

/** Every setting the application reads from the environment; documented in .env.example. */
export const configSchema = z.object({
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
  BACKUP_DIR: z.string().min(1).optional(),
  BACKUP_EVERY_HOURS: z.coerce.number().min(0.01).max(24 * 31).default(24),
  BACKUP_KEEP: z.coerce.number().int().min(1).max(1000).default(7),
});

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
