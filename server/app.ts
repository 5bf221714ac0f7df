import path from 'node:path';
import compression from 'compression';
import cookieParser from 'cookie-parser';
import express, { type Express, type Request, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import { bytesOf, type Config } from './config';
import { accessibilityPages } from './accessibility/accessibility.pages';
import { auditRoutes } from './audit/audit.routes';
import { exitRoutes } from './exit/exit.routes';
import { withRequestStamps } from './db/stamps';
import { createAuthenticate } from './auth/auth.middleware';
import { authRoutes } from './auth/auth.routes';
import { homePages } from './home/home.pages';
import { libraryRoutes } from './library/library.routes';
import { tenderRoutes } from './tenders/tenders.routes';
import { kravbankRoutes } from './kravbank/kravbank.routes';
import { jointSetRoutes } from './joint-sets/joint-sets.routes';
import { assessmentRoutes } from './assessments/assessments.routes';
import { checkRunRoutes } from './check-runs/check-runs.routes';
import { vendorRoutes } from './vendors/vendors.routes';
import { organisationRoutes } from './organisations/organisations.routes';
import { providerLogout } from './sso/sso.pages';
import { ssoRoutes } from './sso/sso.routes';
import { loginButton } from './sso/sso.views';
import type { Services } from './services';
import { systemApi } from './system/system.api';
import { AppError } from './shared/errors';
import { compressResponses } from './shared/http/compression';
import { createErrorHandler, notFoundHandler } from './shared/http/error-handler';
import { requestLogging } from './shared/http/request-log';
import { mountRoutes } from './shared/http/router';
import { createStaticAssets } from './shared/http/static-assets';
import type { RouteDefinition } from './shared/http/route';
import { createI18n } from './shared/i18n';
import type { Logger } from './shared/logger';
import { NODE_MODULES_DIR, TEMPLATES_DIR } from './shared/paths';
import { configureViews } from './shared/views';

export type AppConfig = Pick<
  Config,
  'NODE_ENV' | 'DATA_DIR' | 'BODY_LIMIT' | 'UPLOAD_LIMIT' | 'IMPORT_LIMIT' | 'SESSION_HOURS' | 'LOGIN_REQUESTS_PER_IP_15_MIN' | 'TRUST_PROXY' | 'PUBLIC_URL' | 'PUBLIC_REGISTER' | 'cookieSecure'
  | 'ACCESSIBILITY_CONTACT' | 'ACCESSIBILITY_STATEMENT_URL'
>;

export type AppDeps = { config: AppConfig; services: Services; logger: Logger; version?: string };

function trustProxySetting(value: string): boolean | number | string {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^[0-9]+$/.test(value)) return Number(value);
  return value;
}

/**
 * Archives and office files (ZIP, DOCX, XLSX) are compressed already: gzip would only cost CPU,
 * so they go out as they are; pages, JSON, CSS and JS are compressed when the client asks.
 */
const ALREADY_COMPRESSED = /^application\/(zip|gzip|x-7z-compressed|vnd\.openxmlformats-officedocument\.|vnd\.oasis\.opendocument\.)/;
function compressibleResponse(req: Request, res: Response): boolean {
  const type = String(res.getHeader('Content-Type') ?? '');
  return !ALREADY_COMPRESSED.test(type) && compression.filter(req, res);
}

/** Builds the Express application; it never listens, so tests drive it with supertest. */
export function createApp(deps: AppDeps): Express {
  const { config, services, logger } = deps;
  const app = express();
  const cookies = { secure: config.cookieSecure };
  const i18n = createI18n();

  app.disable('x-powered-by');
  app.set('query parser', 'extended');
  app.set('trust proxy', trustProxySetting(config.TRUST_PROXY));
  const assets = createStaticAssets(
    [
      { prefix: '/static/designsystemet', dir: path.join(NODE_MODULES_DIR, '@digdir', 'designsystemet-css', 'dist') },
      { prefix: '/static/app', dir: path.join(TEMPLATES_DIR, 'assets') },
    ],
    { watch: config.NODE_ENV === 'development', plainMaxAge: config.NODE_ENV === 'production' ? '1h' : 0 },
  );
  // Templates are compiled once and kept, except while developing, where an edited template shows on reload.
  configureViews(app, { cache: config.NODE_ENV !== 'development', assetUrl: assets.assetUrl });

  app.use(requestLogging(logger, { ignore: (req) => req.url === '/healthz' || req.url.startsWith('/static/') }));
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          objectSrc: ["'none'"],
          upgradeInsecureRequests: config.cookieSecure ? [] : null,
        },
      },
      strictTransportSecurity: config.cookieSecure,
    }),
  );

  app.use(compressResponses({ filter: compressibleResponse }));
  assets.mount(app);

  app.use(cookieParser());
  app.use(express.json({ limit: config.BODY_LIMIT, type: ['application/json', 'application/*+json'] }));
  app.use(express.urlencoded({ extended: true, depth: 4, limit: config.BODY_LIMIT, parameterLimit: 2000 } as Parameters<typeof express.urlencoded>[0]));

  const loginLimiter = rateLimit({
    windowMs: 15 * 60 * 1000,
    limit: config.LOGIN_REQUESTS_PER_IP_15_MIN,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next, options) =>
      next(new AppError('auth.rate_limited', 429, 'Too many login attempts from this address. Wait a while and try again.', { extensions: { retryAfter: Math.ceil(options.windowMs / 1000) } })),
  });
  app.post(['/login', '/api/session'], loginLimiter);
  // Starting a login at a provider writes a login attempt, and every callback is audited.
  app.get(['/auth/oidc/:slug/login', '/auth/oidc/:slug/callback'], loginLimiter);

  app.use(createAuthenticate({ authService: services.auth, cookies, translator: i18n.translator }));
  // After the body parsers, whose stream callbacks would not carry the request's context on.
  app.use((_req, _res, next) => withRequestStamps(next));

  const publicUrl = ({ req }: { req: Request }) => config.PUBLIC_URL?.replace(/\/$/, '') ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;
  const routes: RouteDefinition[] = [];
  routes.push(
    ...systemApi(services, () => routes, deps.version ?? '0.0.0'),
    ...homePages(services),
    ...accessibilityPages({ contact: config.ACCESSIBILITY_CONTACT, statementUrl: config.ACCESSIBILITY_STATEMENT_URL }),
    ...authRoutes({
      auth: services.auth,
      cookies,
      sessionHours: config.SESSION_HOURS,
      externalLogins: {
        buttons: async (returnTo) => (await services.identityProviders.loginProviders()).map((p) => loginButton(p, returnTo)),
        logoutUrl: providerLogout(services.ssoLogin, publicUrl),
      },
    }),
    ...ssoRoutes({ identityProviders: services.identityProviders, ssoLogin: services.ssoLogin, cookies, sessionHours: config.SESSION_HOURS, publicUrl }),
    ...organisationRoutes({ organisations: services.organisations, auth: services.auth, cookies, sessionHours: config.SESSION_HOURS, publicUrl }),
    ...libraryRoutes(services),
    ...tenderRoutes({ tenders: services.tenders, library: services.library, jointSets: services.jointSets, uploadLimitBytes: bytesOf(config.UPLOAD_LIMIT) }),
    ...kravbankRoutes({ kravbank: services.kravbank, tenders: services.tenders, uploadLimitBytes: bytesOf(config.UPLOAD_LIMIT) }),
    ...jointSetRoutes(services, bytesOf(config.UPLOAD_LIMIT)),
    ...assessmentRoutes(services, { uploadLimitBytes: bytesOf(config.UPLOAD_LIMIT), publicRegister: config.PUBLIC_REGISTER }),
    ...checkRunRoutes(services, { uploadLimitBytes: bytesOf(config.UPLOAD_LIMIT) }),
    ...vendorRoutes({ vendors: services.vendors, publicUrl }),
    ...auditRoutes(services),
    ...exitRoutes(services, { importLimitBytes: bytesOf(config.IMPORT_LIMIT), uploadDir: path.resolve(config.DATA_DIR, 'tmp') }),
  );
  mountRoutes(app, routes, cookies);
  app.locals.routes = routes;

  app.use(notFoundHandler);
  app.use(createErrorHandler(logger));
  return app;
}

/** The route table of an app, for the authorisation tests and the OpenAPI document. */
export function routesOf(app: Express): RouteDefinition[] {
  return app.locals.routes as RouteDefinition[];
}
