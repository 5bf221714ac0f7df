import type { Config } from './config';
import type { DatabaseHandle } from './db/client';
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
import { createExitRepository } from './exit/exit.repository';
import { createExitService } from './exit/exit.service';
import { createJobsRepository } from './jobs/jobs.repository';
import { createJobQueue } from './jobs/jobs.service';

export type ServiceSettings = Pick<Config, 'SESSION_HOURS' | 'LOGIN_ATTEMPTS_PER_15_MIN' | 'VERIFICATION_VALID_MONTHS' | 'DATA_DIR'>;

/** Assembles every service from the database in one place; tests call it with their own database. */
export function createServices(database: DatabaseHandle, settings: ServiceSettings, clock: () => Date = () => new Date()) {
  const db = database.db;
  const auditRepository = createAuditRepository();
  const authRepository = createAuthRepository();
  const organisationsRepository = createOrganisationsRepository();
  const libraryRepository = createLibraryRepository();
  const tendersRepository = createTendersRepository();
  const vendorsRepository = createVendorsRepository();
  const { translator } = createI18n();
  const assessmentsRepository = createAssessmentsRepository();
  const jointSetsRepository = createJointSetsRepository();
  const coordination = createCoordinationLookup({ db, jointSetsRepository, libraryRepository });
  const tenders = createTendersService({ db, tendersRepository, libraryRepository, organisationsRepository, auditRepository, translator, coordination, now: clock });
  const assessments = createAssessmentsService({ db, assessmentsRepository, libraryRepository, auditRepository, tenderItems: tenderLibraryItems(tenders), verificationValidMonths: settings.VERIFICATION_VALID_MONTHS, now: clock });
  const jointSets = createJointSetsService({
    db,
    jointSetsRepository,
    libraryRepository,
    organisationsRepository,
    auditRepository,
    translator,
    createTender: (actor, input, content, context) => tenders.createFromJointSet(actor, input, content, context),
    createProfile: async (actor, input, context) => ({ id: (await assessments.createProfile(actor, input, context)).profile.id }),
    now: clock,
  });
  const library = createLibraryService({ db, libraryRepository, auditRepository, now: clock });
  const jobsRepository = createJobsRepository();
  const jobQueue = createJobQueue({ db, repository: jobsRepository });
  return {
    database,
    auth: createAuthService({ db, authRepository, auditRepository, sessionHours: settings.SESSION_HOURS, loginAttemptsPerWindow: settings.LOGIN_ATTEMPTS_PER_15_MIN, now: clock }),
    organisations: createOrganisationsService({ db, organisationsRepository, authRepository, auditRepository, now: clock }),
    audit: createAuditService({ db, auditRepository }),
    library,
    jobs: { queue: jobQueue, repository: jobsRepository },
    exit: createExitService({ db, exitRepository: createExitRepository(), auditRepository, jobQueue, libraryFiles: library.yamlFiles, dataDir: settings.DATA_DIR, dumpDataDir: () => database.dumpDataDir(), now: clock }),
    tenders,
    vendors: createVendorsService({ db, vendorsRepository, organisationsRepository, authRepository, auditRepository, failingAbsolute: assessments.failingAbsolute, now: clock }),
    assessments,
    jointSets,
    jointSetPackages: createJointSetPackages({ db, jointSets, jointSetsRepository, libraryRepository, auditRepository, now: clock }),
    repositories: { audit: auditRepository, auth: authRepository, organisations: organisationsRepository, library: libraryRepository, tenders: tendersRepository, vendors: vendorsRepository, assessments: assessmentsRepository, jointSets: jointSetsRepository },
  };
}

export type Services = ReturnType<typeof createServices>;
