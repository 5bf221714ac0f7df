import Handlebars from 'handlebars';
import type { ActorMembership } from '../auth/actor';
import { renderTemplate } from '../library/clause-template';
import type { LibraryVersionRow } from '../library/library.table';
import type { Locale } from '../shared/http/route';
import type { Translator } from '../shared/i18n';
import type { ProductVersionContext, VerificationView } from './assessments.access';
import type { Cell, ComparisonRow, ProfileItemView } from './assessments.cells';
import type { EvidenceMeta, ThreadRow } from './assessments.repository';
import type { AnswerRow, AssessmentProfileRow } from './assessments.table';
import type { AnswerDetail } from './answers.service';
import type { ProfileView } from './profiles.service';
import type { VerificationState } from './verification-state';

// ---------- profiles ----------

/** Shipped profiles are named in the reader's language. */
export function profileText(profile: Pick<AssessmentProfileRow, 'slug' | 'name' | 'description'>, t: Translator) {
  if (!profile.slug) return { name: profile.name, description: profile.description };
  return { name: t(`assessments.shipped.${profile.slug}.name`, { defaultValue: profile.name }), description: t(`assessments.shipped.${profile.slug}.description`, { defaultValue: profile.description }) };
}

/** A profile in a list, and the head of a profile's own body. */
export function profileSummaryBody(profile: AssessmentProfileRow & { ownerName: string | null }, t: Translator) {
  return {
    id: profile.id,
    slug: profile.slug,
    ...profileText(profile, t),
    visibility: profile.visibility,
    ownerOrganisationId: profile.ownerOrganisationId,
    ownerName: profile.ownerName,
    currentVersion: profile.currentVersion,
    updatedAt: profile.updatedAt.toISOString(),
  };
}

export const itemBody = (item: ProfileItemView, lang: Locale) => ({ key: item.key, libraryVersion: item.libraryVersion, major: item.major, type: item.type, weight: item.weight, title: item.title[lang], kind: item.kind, category: item.category });

export function profileBody(view: ProfileView, t: Translator, lang: Locale) {
  return {
    ...profileSummaryBody(view.profile, t),
    version: view.version.version,
    items: view.items.map((i) => itemBody(i, lang)),
    versions: view.versions.map((v) => ({ version: v.version, changeNote: v.changeNote, createdAt: v.createdAt.toISOString() })),
    canEdit: view.canEdit,
  };
}

/** A profile as a choice in a list of profiles. */
export const profileOption = (profile: Pick<AssessmentProfileRow, 'id' | 'slug' | 'name' | 'description'>, t: Translator) => ({ id: profile.id, name: profileText(profile, t).name });
export const profileRef = (profile: AssessmentProfileRow, version: number, t: Translator) => ({ id: profile.id, name: profileText(profile, t).name, version });
export const requirementBody = (i: ProfileItemView, lang: Locale) => ({ key: i.key, libraryVersion: i.libraryVersion, major: i.major, type: i.type, weight: i.weight, title: i.title[lang] });
export const requestBody = (r: { productId: string; productName: string; requestedByOrganisationId: string; createdAt: Date }) => ({ productId: r.productId, productName: r.productName, requestedByOrganisationId: r.requestedByOrganisationId, createdAt: r.createdAt.toISOString() });

/** The profile page: its items, how much weight the evaluated items carry, and whether an earlier version is shown. */
export function profilePage(view: ProfileView, t: Translator, lang: Locale) {
  const body = profileBody(view, t, lang);
  return {
    title: body.name,
    profile: body,
    isCurrentVersion: view.version.version === view.profile.currentVersion,
    evaluatedWeight: view.items.filter((i) => i.type !== 'A').reduce((sum, i) => sum + i.weight, 0),
  };
}

/** The profile form's items turned into the service's: removed ones dropped, added keys appended once. */
export function profileFormItems(form: { items: { key: string; version: string; type: ProfileItemView['type']; weight: number; remove?: boolean | undefined }[]; addKeys: string[] }) {
  const kept = form.items.filter((i) => !i.remove).map(({ key, version, type, weight }) => ({ key, version, type, weight }));
  const added = form.addKeys.filter((key) => !kept.some((i) => i.key === key)).map((key) => ({ key }));
  return [...kept, ...added];
}

/** Tenders a new profile can copy its items from, as choices. */
export const tenderOptions = (rows: { tender: { id: string; title: string; reference: string } }[]) => rows.map((r) => ({ id: r.tender.id, title: r.tender.title, reference: r.tender.reference }));

/** What the new-profile form shows again: the keys as the space-separated text they were typed as. */
export const newProfileValues = (values: Record<string, unknown>) => (Array.isArray(values.keys) ? { ...values, keys: values.keys.join(' ') } : values);

// ---------- answers ----------

export function answerBody(answer: AnswerRow, context: ProductVersionContext, verification: VerificationState, lapsed: boolean) {
  return {
    id: answer.id,
    productVersionId: answer.productVersionId,
    productId: context.product.id,
    productName: context.product.name,
    versionLabel: context.version.label,
    vendorOrganisationId: context.product.vendorOrganisationId,
    vendorName: context.vendorName,
    key: answer.libraryKey,
    major: answer.libraryMajor,
    status: answer.status,
    explanation: answer.explanation,
    links: answer.links,
    validUntil: answer.validUntil,
    revision: answer.revision,
    isCurrent: answer.isCurrent,
    answeredAt: answer.createdAt.toISOString(),
    verification,
    lapsed,
  };
}

export const evidenceBody = (e: EvidenceMeta & { answerRevision?: number; checkRunId?: string | null }) => ({
  id: e.id,
  answerId: e.answerId,
  ...(e.answerRevision !== undefined ? { answerRevision: e.answerRevision } : {}),
  filename: e.filename,
  contentType: e.contentType,
  size: e.size,
  sha256: e.sha256,
  uploadedAt: e.createdAt.toISOString(),
  ...(e.checkRunId !== undefined ? { checkRunId: e.checkRunId } : {}),
});
export const messageBody = (m: { id: string; body: string; authorName: string | null; createdAt: Date }) => ({ id: m.id, body: m.body, authorName: m.authorName, createdAt: m.createdAt.toISOString() });
export const verificationBody = (v: VerificationView) => ({ ...v, decidedAt: v.decidedAt.toISOString(), expiresAt: v.expiresAt.toISOString() });

export function answerDetailBody(detail: AnswerDetail) {
  return {
    ...answerBody(detail.answer, detail.context, detail.verification, detail.lapsed),
    history: detail.history.map((h) => ({ id: h.id, revision: h.revision, status: h.status, explanation: h.explanation, links: h.links, validUntil: h.validUntil, answeredAt: h.createdAt.toISOString() })),
    verifications: detail.verifications.map(verificationBody),
    evidence: detail.evidence.map(evidenceBody),
    messages: detail.messages.map(messageBody),
  };
}

/** The answer page: the answer with its thread, where it stands, and what the reader may do with it. */
export function answerPage(detail: AnswerDetail, lang: Locale, uploadLimitBytes: number, organisations: ActorMembership[]) {
  return {
    title: `${detail.answer.libraryKey} – ${detail.context.product.name}`,
    answer: answerDetailBody(detail),
    state: detail.lapsed ? 'lapsed' : detail.verification,
    requirement: detail.library ? { title: detail.library.title[lang], version: detail.library.version, type: detail.library.type } : null,
    context: detail.context,
    isVendor: detail.isVendor,
    canAnswer: detail.canAnswer && detail.answer.isCurrent,
    canReview: detail.canReview && detail.answer.isCurrent,
    canReply: detail.canReply,
    organisations,
    uploadLimit: Math.floor(uploadLimitBytes / (1024 * 1024)),
  };
}

const linksText = (links: { url: string; title: string }[]) => links.map((l) => `${l.url} ${l.title}`.trim()).join('\n');

/** The answer form's fields: the current answer's, for a first visit. */
export function answerFormDefaults(key: string, major: number, current: AnswerRow | undefined, profileId: string | undefined) {
  return {
    key,
    major,
    status: current?.status,
    explanation: current?.explanation ?? '',
    links: linksText(current?.links ?? []),
    validUntil: current?.validUntil ?? '',
    revision: current?.revision ?? 0,
    profileId,
  };
}

/** What the answer form shows again: the links as the lines they were typed as. */
export const answerFormValues = (values: Record<string, unknown>) => (Array.isArray(values.links) ? { ...values, links: linksText(values.links as { url: string; title: string }[]) } : values);

/** The answer form: the requirement's text and guidance with the library's default parameter values. */
export function answerFormPage(found: { context: ProductVersionContext; library: LibraryVersionRow; answer: AnswerRow | undefined; canAnswer: boolean }, key: string, lang: Locale) {
  const lib = found.library;
  return {
    title: `${key} – ${found.context.product.name}`,
    context: found.context,
    requirement: { key: lib.key, version: lib.version, type: lib.type, title: lib.title[lang], text: renderTemplate(lib.text[lang], lib.parameters, {}, lang), guidance: renderTemplate(lib.responseGuidance[lang], lib.parameters, {}, lang) },
    current: found.answer,
    canAnswer: found.canAnswer,
  };
}

/** A product version's sheet: each of the profile's requirements with its cell, and the score. */
export function sheetPage(
  sheet: { context: ProductVersionContext; profile: AssessmentProfileRow; profileVersion: { version: number }; items: { item: ProfileItemView; cell: Cell }[] },
  t: Translator,
  lang: Locale,
) {
  const cellView = cellViews(t);
  return {
    title: `${sheet.context.product.name} ${sheet.context.version.label}`,
    profile: profileRef(sheet.profile, sheet.profileVersion.version, t),
    items: sheet.items.map(({ item, cell }) => ({ ...itemBody(item, lang), cell: cellView(cell) })),
  };
}

/** A review queue or feedback entry. */
export const threadBody = (r: ThreadRow & { reason: string }) => ({
  answerId: r.answerId,
  productVersionId: r.productVersionId,
  productId: r.productId,
  productName: r.productName,
  versionLabel: r.versionLabel,
  vendorName: r.vendorName,
  key: r.libraryKey,
  major: r.libraryMajor,
  status: r.status,
  revision: r.revision,
  answeredAt: r.answeredAt.toISOString(),
  reason: r.reason,
  decidedAt: r.decidedAt?.toISOString() ?? null,
  expiresAt: r.expiresAt?.toISOString() ?? null,
});
export const feedbackBody = (r: ThreadRow & { reason: string }) => ({ ...threadBody(r), noteForVendor: r.noteForVendor ?? '' });

/**
 * A vendor's products on the overview, each with the profiles its sheet can show: those the
 * product was asked to answer, then the public ones.
 */
export function vendorProductsView<P extends { profiles: { profileId: string; profileName: string }[] }>(products: P[], profiles: (AssessmentProfileRow & { ownerName: string | null })[], t: Translator) {
  const publicProfiles = profiles.filter((p) => p.visibility === 'public');
  return products.map((p) => ({
    ...p,
    sheetProfiles: [...p.profiles.map((r) => ({ id: r.profileId, name: r.profileName })), ...publicProfiles.filter((pp) => !p.profiles.some((r) => r.profileId === pp.id)).map((pp) => profileOption(pp, t))],
  }));
}

// ---------- comparison ----------

export const cellBody = (c: Cell) => ({ key: c.key, major: c.major, answerId: c.answerId, status: c.status, verification: c.verification, lapsed: c.lapsed });
export const productRef = (r: ComparisonRow) => ({ productId: r.productId, name: r.name, vendorName: r.vendorName, versionId: r.versionId, versionLabel: r.versionLabel });

/** One page of a ranking, each row with its rank in the whole list. */
export function rankedPage<R>(rows: R[], page: number, pageSize: number): (R & { rank: number })[] {
  const start = (page - 1) * pageSize;
  return rows.slice(start, start + pageSize).map((r, n) => ({ ...r, rank: start + n + 1 }));
}

/** The comparison's filter as a query string, for links to the other view, the exports and the chart. */
export function comparisonLinkQuery(filter: { profileId: string; domain?: string | undefined; q?: string | undefined; basis: string }): string {
  return new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== undefined && v !== '') as [string, string][]).toString();
}

/** The file name of a comparison export, without extension. */
export const exportName = (profile: Pick<AssessmentProfileRow, 'id' | 'slug'>) => `sammenligning-${(profile.slug ?? profile.id).slice(0, 40)}`;

/** The bars of the score chart: each product with its vendor, its claimed and verified score. */
export const chartBars = (rows: ComparisonRow[]) => rows.map((r) => ({ label: `${r.name} (${r.vendorName})`, claimed: r.score.claimed.score, verified: r.score.verified.score, disqualified: r.score.claimed.disqualified }));

/** The chart's title, its description in words (for screen readers) and its legend. */
export function chartText(t: Translator, basis: 'claimed' | 'verified', profileName: string, rows: ComparisonRow[]) {
  const best = rows[0];
  return {
    title: t('assessments.chart.title', { profile: profileName }),
    description: best
      ? t('assessments.chart.description', { n: rows.length, basis: t(`assessments.basis.${basis}`), best: best.name, score: best.score[basis].score ?? t('assessments.noScore') })
      : t('assessments.chart.empty'),
    claimed: t('assessments.basis.claimed'),
    verified: t('assessments.basis.verified'),
    disqualified: t('assessments.disqualified'),
    noScore: t('assessments.noScore'),
  };
}

const CELL_STATUSES = ['meets', 'partly', 'does_not_meet', 'not_applicable', 'unanswered'] as const;
const CELL_STATES = ['verified', 'unverified', 'expired', 'rejected', 'change_requested', 'changed', 'lapsed'] as const;

/** A cell's marker state: `lapsed` before anything a reviewer said, `none` for an unanswered cell. */
const cellState = (cell: Cell) => (cell.status ? (cell.lapsed ? 'lapsed' : (cell.verification as VerificationState)) : 'none');

/**
 * Visible marker text of a cell: a symbol and a word, so colour is never the only signal. The
 * labels are looked up once per page; a matrix page has thousands of cells.
 */
export function cellViews(t: Translator) {
  const statusText = Object.fromEntries(CELL_STATUSES.map((s) => [s, t(`assessments.short.${s}`)]));
  const markerText = Object.fromEntries(CELL_STATES.map((s) => [s, t(`assessments.marker.${s}`)]));
  return (cell: Cell) => {
    const state = cellState(cell);
    const statusClass = cell.status ?? 'unanswered';
    return { ...cell, state, statusClass, statusText: statusText[statusClass], markerText: cell.status ? markerText[state] : '' };
  };
}

/**
 * The matrix cells of a row as one pre-built HTML string. A matrix page holds up to 500 × 100
 * cells, and building them in the template costs more than the rest of the page; every part of a
 * cell is an enum value looked up in an escaped table or a database uuid, so no user text is in it.
 */
export function matrixCellsHtml(t: Translator) {
  const escape = Handlebars.escapeExpression;
  const statusText = Object.fromEntries(CELL_STATUSES.map((s) => [s, escape(t(`assessments.short.${s}`))]));
  const markerText = Object.fromEntries(CELL_STATES.map((s) => [s, escape(t(`assessments.marker.${s}`))]));
  // Compact markup, styled by the matrix's CSS: <b> a verified marker, <i> one that no longer counts, <small> the rest.
  const markerTag: Record<string, string> = { verified: 'b', expired: 'i', lapsed: 'i', rejected: 'i' };
  // Per status and state, the cell's markup before and after the answer id (a database uuid, safe in a URL).
  const parts = new Map<string, { before: string; after: string; plain: string }>();
  return (cells: Cell[]): { toHTML: () => string } => {
    let html = '';
    for (const cell of cells) {
      const statusClass = cell.status ?? 'unanswered';
      const state = cellState(cell);
      const memo = `${statusClass}|${state}`;
      let part = parts.get(memo);
      if (part === undefined) {
        const tag = markerTag[state] ?? 'small';
        const body = `${statusText[statusClass] ?? ''}${cell.status ? `<${tag}>${markerText[state] ?? ''}</${tag}>` : ''}`;
        part = { before: `<td class="dk-cell--${statusClass}"><a href="/assessments/answers/`, after: `">${body}</a></td>`, plain: `<td class="dk-cell--${statusClass}">${body}</td>` };
        parts.set(memo, part);
      }
      html += cell.answerId ? part.before + cell.answerId + part.after : part.plain;
    }
    return { toHTML: () => html };
  };
}
