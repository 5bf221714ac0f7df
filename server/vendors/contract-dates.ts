import type { ProductUsageRow } from './vendors.table';

const osloDate = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Oslo', year: 'numeric', month: '2-digit', day: '2-digit' });

/** Today's date in Norway as YYYY-MM-DD. */
export function localDate(moment: Date): string {
  return osloDate.format(moment);
}

/** A YYYY-MM-DD date moved by whole months; the 31st becomes the last day of a shorter month. */
export function addMonths(isoDate: string, months: number): string {
  const [year, month, day] = isoDate.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(year, month - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target.toISOString().slice(0, 10);
}

/** The last day notice can be given: the contract end minus the notice period. */
export function noticeDeadline(usage: Pick<ProductUsageRow, 'contractEnd' | 'noticeMonths'>): string | null {
  if (!usage.contractEnd) return null;
  return addMonths(usage.contractEnd, -(usage.noticeMonths ?? 0));
}
