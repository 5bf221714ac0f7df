import { routeFamily, type RouteDefinition } from '../shared/http/route';

const publicPage = routeFamily({ surface: 'page', access: 'public' });

export type AccessibilitySettings = {
  /** Where users report an accessibility problem: the operating organisation's e-mail address. */
  contact: string | undefined;
  /** The operating organisation's own statement in Digdir's register (uustatus.no). */
  statementUrl: string | undefined;
};

/** The accessibility statement, public like the law requires, at a Norwegian and an English address. */
export function accessibilityPages(settings: AccessibilitySettings): RouteDefinition[] {
  return (['/tilgjengelighet', '/accessibility'] as const).map((path) =>
    publicPage({
      method: 'get',
      path,
      summary: path === '/accessibility' ? 'Accessibility statement (English address)' : 'Accessibility statement',
      handler: (ctx) => {
        ctx.render('accessibility/statement', {
          title: ctx.t('accessibility.title'),
          nav: 'accessibility',
          contact: settings.contact,
          statementUrl: settings.statementUrl,
        });
      },
    }),
  );
}
