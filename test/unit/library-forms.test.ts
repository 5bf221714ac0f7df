import { deprecateForm, draftForm, echoForm, newItemForm } from '../../server/library/library.forms';
import { fieldErrors } from '../../server/shared/http/validate';

/** The editor's fields as the browser sends them for a valid requirement. */
function form(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    key: ' NEW-001 ',
    kind: 'requirement',
    category: 'export',
    type: 'A',
    weight: '10',
    themes: '2, 3',
    title: { nb: 'Uttrekk', en: 'Extract' },
    text: { nb: 'Leverandøren skal levere uttrekk.', en: 'The supplier shall deliver extracts.' },
    rationale: { nb: 'Begrunnelse.', en: 'Rationale.' },
    responseGuidance: { nb: 'Beskriv.', en: 'Describe.' },
    parametersYaml: '',
    references: { 0: { source: 'eu-data-act', section: 'Art. 30', note: { nb: 'Eksport', en: 'Export' } }, 1: { source: '', section: '', note: { nb: '', en: '' } } },
    verification: { method: 'document-review', text: { nb: 'Les avtalen.', en: 'Read the contract.' } },
    evidence: { 0: { nb: 'Avtale', en: 'Contract' }, 1: { nb: '', en: '' } },
    domains: ['all'],
    tags: 'eksport, uttrekk',
    supersedes: '',
    ...overrides,
  };
}

describe('the form for a new item', () => {
  test('When the form is filled in, then it becomes item content with the trimmed key, numbers, lists and no empty rows', () => {
    const result = newItemForm.safeParse(form());
    expect(result.success).toBe(true);
    expect(result.data).toMatchObject({ key: 'NEW-001', weight: 10, themes: [2, 3], tags: ['eksport', 'uttrekk'], evidence: [{ nb: 'Avtale', en: 'Contract' }], supersedes: null, organisationId: undefined });
    expect(result.data?.references).toEqual([{ source: 'eu-data-act', section: 'Art. 30', note: { nb: 'Eksport', en: 'Export' } }]);
  });

  test('When the key, a title and the parameters are wrong, then each problem is named by its field, the YAML first', () => {
    const result = newItemForm.safeParse(form({ key: 'nøkkel', title: { nb: '', en: 'Extract' }, parametersYaml: 'name: [unclosed' }));
    expect(result.success).toBe(false);
    const paths = fieldErrors(result.error!).map((e) => e.path);
    expect(paths[0]).toBe('parameters');
    expect(paths).toContain('key');
    expect(paths).toContain('title.nb');
  });

  test('When the form is shown again, then what was typed is kept and an empty reference and evidence row are added', () => {
    const echo = echoForm(form({ themes: '2, x', tags: 'a b' }));
    expect(echo).toMatchObject({ themes: '2, x', tags: 'a b', parametersYaml: '', supersedes: '' });
    expect(echo.references).toHaveLength(2);
    expect(echo.evidence).toEqual([{ nb: 'Avtale', en: 'Contract' }, { nb: '', en: '' }]);
  });
});

describe('the draft editor and deprecation forms', () => {
  test('When a draft is saved, then the version read is passed on as a number', () => {
    const result = draftForm.safeParse({ ...form(), key: undefined, version: '4' });
    expect(result.success).toBe(true);
    expect(result.data?.version).toBe(4);
  });

  test('When the replacement is typed in lower case or left empty, then it is a key in capitals or none', () => {
    expect(deprecateForm.parse({ replacedBy: ' exp-002 ' })).toEqual({ replacedBy: 'EXP-002' });
    expect(deprecateForm.parse({ replacedBy: '' })).toEqual({ replacedBy: null });
    expect(deprecateForm.safeParse({ replacedBy: 'not a key' }).success).toBe(false);
  });
});
