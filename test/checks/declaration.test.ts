import { checksDeclarationSchema, DECLARABLE_RULE_IDS, RULES } from '../../server/checks/rules.catalogue';

describe("an item's checks: list", () => {
  test('When rules are declared with and without parameters, then the defaults are filled in from each rule', () => {
    const parsed = checksDeclarationSchema.parse([{ rule: 'openapi.read-operations' }, { rule: 'openapi.bulk-changes', params: { require: 'both' } }, { rule: 'export.parses', params: { csv: { delimiter: ';' } } }]);
    expect(parsed).toEqual([
      { rule: 'openapi.read-operations', params: { objectTypes: 'all-schemas' } },
      { rule: 'openapi.bulk-changes', params: { require: 'both' } },
      { rule: 'export.parses', params: { csv: { delimiter: ';', encoding: 'utf-8' } } },
    ]);
  });

  test('When a rule is unknown, listed twice or given a parameter it does not take, then the list is refused with the path of the entry', () => {
    const result = checksDeclarationSchema.safeParse([{ rule: 'openapi.magic' }, { rule: 'export.utf8' }, { rule: 'export.utf8' }, { rule: 'openapi.pagination', params: { pageSize: 10 } }, { rule: 'files.readable' }]);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message.split(';')[0]])).toEqual([
      ['0.rule', 'unknown rule "openapi.magic"'],
      ['2.rule', 'rule "export.utf8" is listed more than once'],
      ['3.params', 'Unrecognized key: "pageSize"'],
      ['4.rule', 'unknown rule "files.readable"'],
    ]);
  });

  test('When the rule catalogue is read, then every rule has a version and a title in bokmål and English, and every declarable rule parses with no parameters', () => {
    for (const [id, rule] of Object.entries(RULES)) {
      expect(id).toMatch(/^(files|openapi|export)\.[a-z0-9-]+$/);
      expect(rule.version).toMatch(/^\d+\.\d+\.\d+$/);
      expect(rule.title.nb.length).toBeGreaterThan(5);
      expect(rule.title.en.length).toBeGreaterThan(5);
    }
    expect(checksDeclarationSchema.safeParse(DECLARABLE_RULE_IDS.map((rule) => ({ rule }))).success).toBe(true);
  });
});
