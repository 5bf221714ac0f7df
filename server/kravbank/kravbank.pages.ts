import { editorOrganisations } from '../library/library.access';
import { formRoute } from '../shared/http/forms';
import { routeFamily, type RouteDefinition } from '../shared/http/route';
import { singleFileUpload, uploadedFile } from '../shared/http/upload';
import type { TendersService } from '../tenders/tenders.service';
import { tenderParams } from '../tenders/tenders.schemas';
import { kravbankFileMissing } from './kravbank.errors';
import { libraryImportSchema } from './kravbank.schemas';
import type { KravbankService } from './kravbank.service';
import { libraryImportForm, libraryImportResult, tenderImportMessage } from './kravbank.views';

const page = routeFamily({ surface: 'page', access: 'user' });

/** The Kravbank pages: importing a bank into the library, and into a tender (with the tender's download). */
export function kravbankPages(deps: { kravbank: KravbankService; tenders: Pick<TendersService, 'view'>; uploadLimitBytes: number }): RouteDefinition[] {
  const { kravbank, tenders } = deps;
  return [
    page({
      method: 'get',
      path: '/library/kravbank',
      summary: 'Import a Kravbank bank into the library',
      handler: (ctx) => ctx.render('kravbank/library-import', libraryImportForm({ t: ctx.t, organisations: editorOrganisations(ctx.actor) })),
    }),
    formRoute({
      path: '/library/kravbank',
      summary: 'Import a Kravbank bank into the library as drafts',
      access: 'user',
      bodyType: 'multipart',
      body: libraryImportSchema,
      middleware: [singleFileUpload(deps.uploadLimitBytes)],
      problemPath: 'file',
      rerender: (ctx, { formErrors, values }, status) => ctx.render('kravbank/library-import', libraryImportForm({ t: ctx.t, organisations: editorOrganisations(ctx.actor), values, errors: formErrors }), status),
      run: async (ctx) => {
        const result = await kravbank.importToLibrary(ctx.actor, uploadedFile(ctx.req, kravbankFileMissing).buffer, ctx.body, ctx.audit);
        ctx.render('kravbank/library-result', libraryImportResult(result, ctx.t), 201);
        return { shown: true };
      },
    }),
    page({
      method: 'get',
      path: '/tenders/:tenderId/kravbank',
      summary: 'Kravbank interchange of a tender: import a bank, download the specification',
      params: tenderParams,
      handler: async (ctx) => {
        const view = await tenders.view(ctx.actor, ctx.params.tenderId);
        ctx.render('kravbank/tender', { title: ctx.t('kravbank.tender.title', { title: view.tender.title }), nav: 'tenders', tender: view.tender, canEdit: view.access.canEdit, errors: [] });
      },
    }),
    formRoute({
      path: '/tenders/:tenderId/kravbank',
      summary: 'Import a Kravbank bank into a tender',
      access: 'user',
      params: tenderParams,
      bodyType: 'multipart',
      middleware: [singleFileUpload(deps.uploadLimitBytes)],
      problemPath: 'file',
      rerender: async (ctx, { formErrors }, status) => {
        const view = await tenders.view(ctx.actor, ctx.params.tenderId);
        ctx.render('kravbank/tender', { title: ctx.t('kravbank.tender.title', { title: view.tender.title }), nav: 'tenders', tender: view.tender, canEdit: view.access.canEdit, errors: formErrors }, status);
      },
      run: async (ctx) => {
        const result = await kravbank.importToTender(ctx.actor, ctx.params.tenderId, uploadedFile(ctx.req, kravbankFileMissing).buffer, ctx.audit);
        return { to: `/tenders/${ctx.params.tenderId}`, flash: { kind: 'success', message: tenderImportMessage(result, ctx.t) } };
      },
    }),
  ];
}
