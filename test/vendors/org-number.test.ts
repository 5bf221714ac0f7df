import { fictionalOrgNumber } from '../../server/demo/demo.vendors';
import { orgNumberSchema } from '../../server/organisations/organisations.schemas';
import { isValidOrgNumber, normaliseOrgNumber } from '../../server/shared/org-number';
import { addMonths, noticeDeadline } from '../../server/vendors/contract-dates';

describe('organisation numbers (MOD11)', () => {
  test.each(['974760673', '923609016', '991825827', '971526920'])('When the registered organisation number %s is checked, then it is valid', (number) => {
    expect(isValidOrgNumber(number)).toBe(true);
  });

  test.each(['974760674', '974760670', '923609017', '991825820'])('When %s has a wrong check digit, then it is invalid', (number) => {
    expect(isValidOrgNumber(number)).toBe(false);
  });

  test('When the weighted sum leaves a check digit of 10, then no ninth digit makes the number valid', () => {
    // 3·1 + 2·0 + … + 3·1 + 2·3 = 12, remainder 1, check digit 11 - 1 = 10.
    for (let digit = 0; digit <= 9; digit++) expect(isValidOrgNumber(`10000013${digit}`)).toBe(false);
  });

  test.each(['97476067', '9747606731', '97476067a', '', ' 974760673'])('When the value %p is not nine digits, then it is invalid', (value) => {
    expect(isValidOrgNumber(value)).toBe(false);
  });

  test('When the digits are grouped with spaces, then the schema accepts them and stores the nine digits', () => {
    expect(normaliseOrgNumber('974 760 673')).toBe('974760673');
    expect(orgNumberSchema.parse('974 760 673')).toBe('974760673');
    expect(orgNumberSchema.safeParse('974 760 674').success).toBe(false);
  });

  test('When demo data makes up an organisation number, then it passes MOD11 but starts with 1, which Enhetsregisteret never assigns', () => {
    for (const prefix of ['19990001', '19990002', '19990004']) {
      const number = fictionalOrgNumber(prefix);
      expect(number).toMatch(/^1\d{8}$/);
      expect(isValidOrgNumber(number)).toBe(true);
    }
    expect(() => fictionalOrgNumber('97476067')).toThrow(/start with 1/);
  });
});

describe('contract dates', () => {
  test('When months are added to the 31st, then a shorter month ends on its last day', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2028-01-31', 1)).toBe('2028-02-29');
    expect(addMonths('2026-03-15', 18)).toBe('2027-09-15');
    expect(addMonths('2026-03-15', -3)).toBe('2025-12-15');
  });

  test('When a contract has an end and a notice period, then the notice deadline is the end minus the period; without an end there is none', () => {
    expect(noticeDeadline({ contractEnd: '2027-06-30', noticeMonths: 6 })).toBe('2026-12-30');
    expect(noticeDeadline({ contractEnd: '2027-06-30', noticeMonths: null })).toBe('2027-06-30');
    expect(noticeDeadline({ contractEnd: null, noticeMonths: 6 })).toBeNull();
  });
});
