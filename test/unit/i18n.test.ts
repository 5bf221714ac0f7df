import { createI18n } from '../../server/shared/i18n';

const { translator } = createI18n();

describe('translations', () => {
  test('When a key is translated again with other values, then each call shows its own values', () => {
    const t = translator('nb');
    expect(t('common.showing', { from: 1, to: 25, total: 300 })).toBe('Viser 1–25 av 300');
    expect(t('common.showing', { from: 26, to: 50, total: 300 })).toBe('Viser 26–50 av 300');
    expect(t('common.showing', { from: 1, to: 25, total: 300 })).toBe('Viser 1–25 av 300');
  });

  test('When a value is written to look like several values, then it is shown as written and not as the text for those values', () => {
    const t = translator('nb');
    expect(t('common.page', { page: 2, pages: 9 })).toBe('Side 2 av 9');
    expect(t('common.page', { page: '2","pages","number","9' })).toBe('Side 2","pages","number","9 av {{pages}}');
  });

  test('When a count decides the plural, then one and several get their own words each time', () => {
    const t = translator('nb');
    expect(t('tenders.sections.upgrades', { count: 1 })).toBe('1 nyere versjon');
    expect(t('tenders.sections.upgrades', { count: 3 })).toBe('3 nyere versjoner');
    expect(t('tenders.sections.upgrades', { count: 1 })).toBe('1 nyere versjon');
  });

  test('When the same key is asked in both languages, then each language gets its own text', () => {
    expect(translator('nb')('common.page', { page: 1, pages: 2 })).toBe('Side 1 av 2');
    expect(translator('en')('common.page', { page: 1, pages: 2 })).not.toBe('Side 1 av 2');
    expect(translator('nb')('tenders.sections.title')).toBe('Seksjon');
    expect(translator('en')('tenders.sections.title')).not.toBe('Seksjon');
  });
});
