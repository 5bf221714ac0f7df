import { defineRoute, type RouteDefinition } from '../shared/http/route';
import { registerClosed } from './assessments.errors';
import { registerQuerySchema, registerSchema } from './assessments.schemas';
import type { AssessmentsService } from './assessments.service';
import { registerBody } from './register.views';

/** The public register's API: without login, and only where the installation publishes the register. */
export function registerApi(deps: { assessments: AssessmentsService }, options: { publicRegister: boolean }): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/register',
      surface: 'api',
      access: 'public',
      tags: ['Public register'],
      summary: 'The public register: products with their verified statuses for a public profile (when the installation publishes it)',
      query: registerQuerySchema,
      responses: [{ status: 200, description: 'The register page', schema: registerSchema }],
      handler: async ({ req, query, t, locale }) => {
        if (!options.publicRegister) throw registerClosed(req.path);
        return registerBody(await deps.assessments.register(query), query, t, locale);
      },
    }),
  ];
}
