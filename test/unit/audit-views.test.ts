import { auditChanges } from '../../server/audit/audit.views';

describe('the changes of an audit entry', () => {
  test('When fields are changed, added and removed, then each is listed once with its value before and after as text', () => {
    const changes = auditChanges({ before: { title: 'Old', weight: 10, gone: true }, after: { title: 'New', weight: 20, tags: ['a', 'b'] } });
    expect(changes).toEqual([
      { field: 'title', before: 'Old', after: 'New' },
      { field: 'weight', before: '10', after: '20' },
      { field: 'gone', before: 'true', after: '' },
      { field: 'tags', before: '', after: '["a","b"]' },
    ]);
  });

  test('When an entry has no before or after (a creation, a download), then only the side it has is shown', () => {
    expect(auditChanges({ before: null, after: { name: 'Eksempelby' } })).toEqual([{ field: 'name', before: '', after: 'Eksempelby' }]);
    expect(auditChanges({ before: null, after: null })).toEqual([]);
  });
});
