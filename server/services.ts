import { bytesOf, type Config } from './config';
import type { DatabaseHandle } from './db/client';
import { createStamps } from './db/stamps';
import { createAuditRepository } from './audit/audit.repository';
import { createAuditService } from './audit/audit.service';
import { createAuthRepository } from './auth/auth.repository';
import { createAuthService } from './auth/auth.service';
import { createLibraryRepository } from './library/library.repository';
import { createLibraryService } from './library/library.service';
import { createTendersRepository } from './tenders/tenders.repository';
import { createTendersService } from './tenders/tenders.service';
import { createAssessmentsRepository } from './assessments/assessments.repository';
import { createAssessmentsService, tenderLibraryItems } from './assessments/assessments.service';
import { createVendorsRepository } from './vendors/vendors.repository';
import { createVendorsService } from './vendors/vendors.service';
import { createJointSetPackages } from './joint-sets/joint-sets.package';
import { createJointSetsRepository } from './joint-sets/joint-sets.repository';
import { createCoordinationLookup } from './joint-sets/joint-set-tenders.service';
import { createJointSetsService } from './joint-sets/joint-sets.service';
import { createI18n } from './shared/i18n';
import { createOrganisationsRepository } from './organisations/organisations.repository';
import { createOrganisationsService } from './organisations/organisations.service';
import { createKravbankService } from './kravbank/kravbank.service';
import { createIdentityProvidersService, type SsoSettings } from './sso/identity-providers.service';
import { createSsoLoginService } from './sso/sso-login.service';
import { createSsoRepository } from './sso/sso.repository';
import { createExitImportRepository, createExitRepository } from './exit/exit.repository';
import { createExitService } from './exit/exit.service';
import { createJobsRepository } from './jobs/jobs.repository';
import { createJobQueue } from './jobs/jobs.service';
import { createJobRunner } from './jobs/job-runner';
import { createCheckPool, type CheckPool } from './checks/checks.pool';
import { createCheckRunsRepository } from './check-runs/check-runs.repository';
import { CHECK_JOB_KIND, createCheckRunsService } from './check-runs/check-runs.service';

export type ServiceSettings = Pick<Config, 'NODE_ENV' | 'SESSION_HOURS' | 'LOGIN_ATTEMPTS_PER_15_MIN' | 'VERIFICATION_VALID_MONTHS' | 'DATA_DIR' | 'IMPORT_ENTRY_LIMIT' | 'IMPORT_EXPANDED_LIMIT' | 'IMPORT_MAX_RATIO'> & SsoSettings;

/** Assembles every service from the database in one place; tests call it with their own database. */
export function createServices(database: DatabaseHandle, settings: ServiceSettings, clock: () => Date = () => new Date()) {
  const db = database.db;
  const stamps = createStamps(database);
  const auditRepository = createAuditRepository();
  const authRepository = createAuthRepository();
  const organisationsRepository = createOrganisationsRepository();
  const libraryRepository = createLibraryRepository();
  const tendersRepository = createTendersRepository();
  const vendorsRepository = createVendorsRepository();
  const { translator } = createI18n();
  const ssoRepository = createSsoRepository();
  const identityProviders = createIdentityProvidersService({ db, ssoRepository, auditRepository, settings });
  const auth = createAuthService({
    db,
    authRepository,
    auditRepository,
    sessionHours: settings.SESSION_HOURS,
    loginAttemptsPerWindow: settings.LOGIN_ATTEMPTS_PER_15_MIN,
    ssoRequiredFor: (userId) => identityProviders.organisationRequiringSso(userId),
    now: clock,
    writes: database.writes,
  });
  const assessmentsRepository = createAssessmentsRepository();
  const jointSetsRepository = createJointSetsRepository();
  const coordination = createCoordinationLookup({ db, jointSetsRepository, libraryRepository });
  const library = createLibraryService({ db, libraryRepository, auditRepository, now: clock, stamps, freezeCached: settings.NODE_ENV !== 'production' });
  const tenders = createTendersService({ db, tendersRepository, libraryRepository, organisationsRepository, auditRepository, translator, coordination, now: clock, newestReleased: library.newestReleased, libraryPacks: library.packs });
  const jobsRepository = createJobsRepository();
  const jobQueue = createJobQueue({ db, repository: jobsRepository });
  let checkPool: CheckPool | null = null;
  const checkRuns = createCheckRunsService({ db, repository: createCheckRunsRepository(), assessmentsRepository, libraryRepository, auditRepository, queue: jobQueue, tenders, pool: () => (checkPool ??= createCheckPool()) });
  const assessments = createAssessmentsService({
    db,
    assessmentsRepository,
    libraryRepository,
    auditRepository,
    tenderItems: tenderLibraryItems(tenders),
    verificationValidMonths: settings.VERIFICATION_VALID_MONTHS,
    libraryTexts: library.versionTexts,
    evidenceAdded: (tx, input, context) => checkRuns.requestForEvidence(tx, input, context),
    now: clock,
  });
  const jointSets = createJointSetsService({
    db,
    jointSetsRepository,
    libraryRepository,
    organisationsRepository,
    auditRepository,
    translator,
    createTender: async (actor, input, content, context) => ({ id: (await tenders.createFromJointSet(actor, input, content, context)).id }),
    createProfile: async (actor, input, context) => ({ id: (await assessments.createProfile(actor, input, context)).profile.id }),
    now: clock,
  });
  const exit = createExitService({ db, exitRepository: createExitRepository(), auditRepository, jobQueue, libraryFiles: library.yamlFiles, dataDir: settings.DATA_DIR, dumpDataDir: () => database.dumpDataDir(),
    importRepository: createExitImportRepository(),
    queueImportedWork: (tx) => checkRuns.queueImportedRuns(tx),
    importLimits: { entryBytes: bytesOf(settings.IMPORT_ENTRY_LIMIT), totalBytes: bytesOf(settings.IMPORT_EXPANDED_LIMIT), ratio: settings.IMPORT_MAX_RATIO, ratioFloorBytes: 1024 * 1024 },
    now: clock,
  });
  const jobRunner = createJobRunner({ db, repository: jobsRepository, handlers: { [CHECK_JOB_KIND]: checkRuns.handleJob, ...exit.jobHandlers } });
  return {
    database,
    auth,
    identityProviders,
    ssoLogin: createSsoLoginService({ db, ssoRepository, authRepository, organisationsRepository, auditRepository, providers: identityProviders, openSession: auth.openSession, now: clock }),
    organisations: createOrganisationsService({ db, organisationsRepository, authRepository, auditRepository, now: clock }),
    audit: createAuditService({ db, auditRepository }),
    library,
    exit,
    tenders,
    vendors: createVendorsService({ db, vendorsRepository, organisationsRepository, authRepository, auditRepository, failingAbsolute: assessments.failingAbsolute, now: clock }),
    assessments,
    checkRuns,
    jobs: {
      queue: jobQueue,
      repository: jobsRepository,
      runner: jobRunner,
      /** Stops the runner (running jobs finish or are queued again) and the check threads. */
      async stop(timeoutMs?: number): Promise<void> {
        await jobRunner.stop(timeoutMs);
        await checkPool?.close();
        checkPool = null;
      },
    },
    jointSets,
    kravbank: createKravbankService({ db, libraryRepository, organisationsRepository, auditRepository, tenders, translator }),
    jointSetPackages: createJointSetPackages({ db, jointSets, jointSetsRepository, libraryRepository, auditRepository, now: clock }),
    /** Settings that code outside the services needs to write what the services would (the demo seed). */
    settings: { verificationValidMonths: settings.VERIFICATION_VALID_MONTHS },
    repositories: { audit: auditRepository, auth: authRepository, organisations: organisationsRepository, library: libraryRepository, tenders: tendersRepository, vendors: vendorsRepository, assessments: assessmentsRepository, jointSets: jointSetsRepository, sso: ssoRepository },
  };
}

export type Services = ReturnType<typeof createServices>;
