import Handlebars from 'handlebars';
import type { ActorMembership } from '../auth/actor';
import { renderItemTexts, renderTitle, templatesIn } from '../library/clause-template';
import type { LibraryVersionRow } from '../library/library.table';
import type { Locale } from '../shared/http/route';
import type { Translator } from '../shared/i18n';
import type { ProductVersionContext, VerificationView } from './assessments.access';
import type { Cell, ComparisonRow, ProfileItemView } from './assessments.cells';
import type { EvidenceMeta, ThreadRow } from './assessments.repository';
import type { AnswerRow, AssessmentProfileRow } from './assessments.table';
import type { AnswerDetail } from './answers.service';
import type { ProfileView } from './profiles.service';
import { VERDICTS, type ProductScore, type Score, type Verdict } from './scoring';
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

/** What was typed in the profile form, kept when a save is refused: the details, and each item's type, weight and removal by key. */
export type ProfileFormTyped = { name: string; description: string; visibility: string; changeNote: string; addKeys: string; items: Map<string, { type?: unknown; weight?: unknown; remove?: unknown }> };

export function profileFormTyped(values: Record<string, unknown>): ProfileFormTyped {
  const text = (v: unknown) => (typeof v === 'string' ? v : Array.isArray(v) ? v.join(' ') : '');
  const rows = Array.isArray(values.items) ? values.items : values.items && typeof values.items === 'object' ? Object.values(values.items) : [];
  const items = new Map<string, { type?: unknown; weight?: unknown; remove?: unknown }>();
  for (const row of rows) if (row && typeof row === 'object' && typeof (row as { key?: unknown }).key === 'string') items.set((row as { key: string }).key, row as { type?: unknown; weight?: unknown; remove?: unknown });
  return { name: text(values.name), description: text(values.description), visibility: text(values.visibility), changeNote: text(values.changeNote), addKeys: text(values.addKeys), items };
}

/**
 * The profile page: its items, how much weight the evaluated items carry, and whether an earlier
 * version is shown. After a refused save, the form shows what was typed (`typed`) and the
 * profile's saved values beside it.
 */
export function profilePage(view: ProfileView, t: Translator, lang: Locale, typed?: ProfileFormTyped) {
  const body = profileBody(view, t, lang);
  const form = {
    name: typed?.name ?? body.name,
    description: typed?.description ?? body.description,
    visibility: typed?.visibility ?? body.visibility,
    changeNote: typed?.changeNote ?? '',
    addKeys: typed?.addKeys ?? '',
    version: body.currentVersion,
    items: body.items.map((item) => {
      const row = typed?.items.get(item.key);
      return { ...item, type: typeof row?.type === 'string' ? row.type : item.type, weight: row?.weight ?? item.weight, remove: row?.remove === 'on' || row?.remove === true, savedType: row ? item.type : undefined, savedWeight: row ? item.weight : undefined };
    }),
  };
  return {
    title: body.name,
    profile: body,
    form,
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
    version: answer.version,
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
    requirement: detail.library ? { title: renderTitle(detail.library, {}, lang), version: detail.library.version, type: detail.library.type } : null,
    context: detail.context,
    isVendor: detail.isVendor,
    canAnswer: detail.canAnswer && detail.answer.isCurrent,
    canReview: detail.canReview && detail.answer.isCurrent,
    canReply: detail.canReply,
    currentAnswerId: detail.history.find((h) => h.isCurrent)?.id ?? null,
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
    version: current?.version ?? '',
    profileId,
  };
}

/** What the answer form shows again: the links as the lines they were typed as. */
export const answerFormValues = (values: Record<string, unknown>) => (Array.isArray(values.links) ? { ...values, links: linksText(values.links as { url: string; title: string }[]) } : values);

/** The answer form: the requirement's text and guidance with the library's default parameter values. */
export function answerFormPage(found: { context: ProductVersionContext; library: LibraryVersionRow; answer: AnswerRow | undefined; canAnswer: boolean }, key: string, lang: Locale) {
  const lib = found.library;
  const texts = renderItemTexts(templatesIn(lib, lang), lib.parameters, {}, lang);
  return {
    title: `${key} – ${found.context.product.name}`,
    context: found.context,
    requirement: { key: lib.key, version: lib.version, type: lib.type, title: texts.title, text: texts.text, guidance: texts.responseGuidance, verification: texts.verification, evidence: texts.evidence },
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

export const cellBody = (c: Cell) => ({ key: c.key, major: c.major, answerId: c.answerId, status: c.status, verification: c.verification, lapsed: c.lapsed, verdict: c.verdict });
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
export const chartBars = (rows: ComparisonRow[]) =>
  rows.map((r) => ({
    label: `${r.name} (${r.vendorName})`,
    claimed: { score: r.score.claimed.score, qualification: r.score.claimed.qualification, failing: r.score.claimed.failingAbsolute },
    verified: { score: r.score.verified.score, qualification: r.score.verified.qualification, failing: r.score.verified.failingAbsolute },
  }));

/** The chart's title, its description in words (for screen readers) and its legend. */
export function chartText(t: Translator, basis: 'claimed' | 'verified', profileName: string, rows: ComparisonRow[]) {
  // "Best" is the best qualified product: an open or disqualified one is never named as the winner.
  const best = rows.find((r) => r.score[basis].qualification === 'qualified');
  const description = best
    ? t('assessments.chart.description', { n: rows.length, basis: t(`assessments.basis.${basis}`), best: best.name, score: best.score[basis].score ?? t('assessments.noScore') })
    : t('assessments.scoring.noneQualified', { n: rows.length, basis: t(`assessments.basis.${basis}`) });
  return {
    title: t('assessments.chart.title', { profile: profileName }),
    description: rows.length > 0 ? description : t('assessments.chart.empty'),
    claimed: t('assessments.columns.claimedScore'),
    verified: t('assessments.columns.verifiedScore'),
    disqualified: t('assessments.qualification.disqualified'),
    open: t('assessments.scoring.chartOpen'),
    noScore: t('assessments.noScore'),
  };
}

const CELL_STATUSES = ['meets', 'partly', 'does_not_meet', 'not_applicable', 'unanswered'] as const;
const CELL_STATES = ['verified', 'unverified', 'expired', 'rejected', 'change_requested', 'changed', 'lapsed'] as const;

/** A cell's detailed review state: `lapsed` before anything a reviewer said, `none` for an unanswered cell. */
const cellState = (cell: Cell) => (cell.status ? (cell.lapsed ? 'lapsed' : (cell.verification as VerificationState)) : 'none');

/** How a cell looks: its tone (the CSS colour), its icon and the word beside the icon. */
export type CellLook = { verdict: Verdict; tone: 'ok' | 'partly' | 'fail' | 'na' | 'rejected' | 'expired' | 'pending' | 'none'; icon: string };

const VERDICT_ICON: Record<Verdict, string> = { accepted: '✓', rejected: '✗', pending: '?', expired: '⌛', unanswered: '–' };

/**
 * Colour and icon follow the council's verdict, never the claim alone: only an accepted answer
 * can be green, and then only when what was accepted is "meets". A rejected "meets" is red, an
 * unreviewed one neutral, an expired one orange; the icon and word say the same for print and
 * for readers who do not see the colour.
 */
export function cellLook(cell: Pick<Cell, 'status' | 'verdict'>): CellLook {
  const { verdict } = cell;
  const icon = VERDICT_ICON[verdict];
  if (verdict !== 'accepted') return { verdict, icon, tone: verdict === 'unanswered' ? 'none' : verdict };
  const tone = cell.status === 'meets' ? 'ok' : cell.status === 'partly' ? 'partly' : cell.status === 'does_not_meet' ? 'fail' : 'na';
  return { verdict, icon, tone };
}

/**
 * Visible marker text of a cell: a symbol and a word, so colour is never the only signal. The
 * labels are looked up once per page; a matrix page has thousands of cells.
 */
export function cellViews(t: Translator) {
  const statusText = Object.fromEntries(CELL_STATUSES.map((s) => [s, t(`assessments.short.${s}`)]));
  const markerText = Object.fromEntries(CELL_STATES.map((s) => [s, t(`assessments.marker.${s}`)]));
  const verdictText = Object.fromEntries(VERDICTS.map((v) => [v, t(`assessments.verdict.${v}`)]));
  return (cell: Cell) => {
    const state = cellState(cell);
    const statusClass = cell.status ?? 'unanswered';
    const look = cellLook(cell);
    // The review's own state, where it says more than the verdict: changed, change requested, lapsed.
    const detailText = state === 'changed' || state === 'change_requested' || state === 'lapsed' ? markerText[state] : '';
    return { ...cell, ...look, state, statusClass, statusText: statusText[statusClass], markerText: cell.status ? markerText[state] : '', verdictText: verdictText[look.verdict], detailText };
  };
}

/**
 * The matrix cells of one requirement across the page's products as one pre-built HTML string.
 * Building cells in the template costs more than the rest of the page; every part of a cell is an
 * enum value looked up in an escaped table or a database uuid, so no user text is in it.
 */
export function matrixCellsHtml(t: Translator) {
  const escape = Handlebars.escapeExpression;
  const statusText = Object.fromEntries(CELL_STATUSES.map((s) => [s, escape(t(`assessments.short.${s}`))]));
  const verdictText = Object.fromEntries(VERDICTS.map((v) => [v, escape(t(`assessments.verdict.${v}`))]));
  // Per status and verdict, the cell's markup before and after the answer id (a database uuid, safe in a URL).
  const parts = new Map<string, { before: string; after: string; plain: string }>();
  return (cells: Cell[]): { toHTML: () => string } => {
    let html = '';
    for (const cell of cells) {
      const statusClass = cell.status ?? 'unanswered';
      const memo = `${statusClass}|${cell.verdict}`;
      let part = parts.get(memo);
      if (part === undefined) {
        const look = cellLook(cell);
        const claim = cell.status ? `<span class="dk-claim">${statusText[statusClass] ?? ''}</span>` : '';
        const body = `${claim}<span class="dk-verdict"><span aria-hidden="true">${look.icon}</span> ${verdictText[look.verdict] ?? ''}</span>`;
        const open = `<td class="dk-cell dk-cell--${look.tone}" data-verdict="${look.verdict}">`;
        part = { before: `${open}<a href="/assessments/answers/`, after: `">${body}</a></td>`, plain: `${open}${body}</td>` };
        parts.set(memo, part);
      }
      html += cell.answerId ? part.before + cell.answerId + part.after : part.plain;
    }
    return { toHTML: () => html };
  };
}

/** The matrix turned on its side: one row per requirement, one column per product on the page. */
export function matrixRows<I>(items: I[], rows: ComparisonRow[], cellsHtml: (cells: Cell[]) => { toHTML: () => string }) {
  return items.map((item, n) => ({ item, cellsHtml: cellsHtml(rows.map((r) => r.cells[n]).filter((c): c is Cell => c !== undefined)) }));
}

/**
 * A basis's qualification in words: the verdict and, for each A or AV item that does not pass,
 * its key and why (not answered, not yet verified, rejected, expired, declared partly or no).
 */
export function qualificationView(score: Score, t: Translator) {
  return {
    qualification: score.qualification,
    icon: { qualified: '✓', open: '?', disqualified: '✗' }[score.qualification],
    label: t(`assessments.qualification.${score.qualification}`),
    findings: score.findings.map((f) => ({ ...f, text: t(`assessments.reason.${f.reason}`, { key: f.key }) })),
  };
}

/** Both bases of a product's score, each with its qualification in words, for the sheet, the matrix and the ranking. */
export const scoreView = (score: ProductScore, t: Translator) => ({ ...score, claimedView: qualificationView(score.claimed, t), verifiedView: qualificationView(score.verified, t) });
