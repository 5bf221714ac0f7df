import type { Locale } from '../shared/http/route';
import type { Translator } from '../shared/i18n';
import { profileOption, profileRef, profileText, requirementBody } from './assessments.views';
import type { ComparisonService } from './comparison.service';

type RegisterResult = Awaited<ReturnType<ComparisonService['register']>>;

/** The register as the API answers it: a cell's status is null unless verified. */
export function registerBody(result: RegisterResult, page: { page: number; pageSize: number }, t: Translator, lang: Locale) {
  return {
    profiles: result.profiles.map((p) => profileOption(p, t)),
    profile: result.profile && result.version ? profileRef(result.profile, result.version.version, t) : null,
    requirements: result.items.map((i) => requirementBody(i, lang)),
    products: result.rows.map((r) => ({ productId: r.productId, name: r.name, vendorName: r.vendorName, versionLabel: r.versionLabel, cells: r.cells.map((c) => ({ key: c.key, status: c.status })) })),
    page: page.page,
    pageSize: page.pageSize,
    total: result.total,
  };
}

/** The register page: the profile's description, and each cell's verified status in words, or "not verified". */
export function registerPage(result: RegisterResult, t: Translator, lang: Locale) {
  return {
    profiles: result.profiles.map((p) => profileOption(p, t)),
    profile: result.profile && result.version ? { ...profileRef(result.profile, result.version.version, t), description: profileText(result.profile, t).description } : null,
    requirements: result.items.map((i) => requirementBody(i, lang)),
    products: result.rows.map((r) => ({ ...r, cells: r.cells.map((c) => ({ ...c, statusClass: c.status ?? 'unanswered', text: c.status ? t(`assessments.short.${c.status}`) : t('register.notVerified') })) })),
  };
}
