export * from '../auth/users.table';
export * from '../auth/sessions.table';
export * from '../organisations/organisations.table';
export * from '../audit/audit.table';
export * from '../library/library.table';
export * from '../tenders/tenders.table';
export * from '../vendors/vendors.table';
export * from '../assessments/assessments.table';
