import { defineRoute, type RouteDefinition } from '../shared/http/route';
import { pagination } from '../shared/pagination';
import { registerClosed } from './assessments.errors';
import { registerQuerySchema } from './assessments.schemas';
import type { AssessmentsService } from './assessments.service';
import { registerPage } from './register.views';

/** The public register's page: without login, and only where the installation publishes the register. */
export function registerPages(deps: { assessments: AssessmentsService }, options: { publicRegister: boolean }): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/register',
      surface: 'page',
      access: 'public',
      summary: 'The public register of verified answers (when the installation publishes it)',
      query: registerQuerySchema,
      handler: async (ctx) => {
        if (!options.publicRegister) throw registerClosed(ctx.req.path);
        const { query } = ctx;
        const result = await deps.assessments.register(query);
        ctx.render('register/index', {
          title: ctx.t('register.title'),
          nav: 'register',
          ...registerPage(result, ctx.t, ctx.locale),
          filter: query,
          pager: pagination({ page: query.page, pageSize: query.pageSize, total: result.total, basePath: '/register', query }),
        });
      },
    }),
  ];
}
