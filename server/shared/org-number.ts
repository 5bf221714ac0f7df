const WEIGHTS = [3, 2, 7, 6, 5, 4, 3, 2];

/**
 * Norwegian organisation numbers (Enhetsregisteret) have nine digits; the last is a MOD11
 * check digit with weights 3 2 7 6 5 4 3 2. A remainder giving 10 means the number is invalid.
 */
export function isValidOrgNumber(value: string): boolean {
  if (!/^[0-9]{9}$/.test(value)) return false;
  const digits = [...value].map(Number);
  const sum = WEIGHTS.reduce((acc, weight, i) => acc + weight * (digits[i] as number), 0);
  const remainder = sum % 11;
  const check = remainder === 0 ? 0 : 11 - remainder;
  return check !== 10 && check === digits[8];
}

/** Accepts "974 760 673" and "974760673". */
export function normaliseOrgNumber(value: string): string {
  return value.replace(/\s+/g, '');
}
