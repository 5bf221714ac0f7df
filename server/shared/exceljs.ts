import type * as ExcelJS from 'exceljs';

/**
 * exceljs, loaded on the first workbook instead of at start: with its zip libraries it is the
 * slowest module to load (about a fifth of a second), and most starts never write a workbook.
 * Loaded as CommonJS (the built server) it is the module itself; as ES module (the tests) it is
 * the module's default export.
 */
export async function loadExcelJs(): Promise<typeof ExcelJS> {
  const loaded = (await import('exceljs')) as typeof ExcelJS & { default?: typeof ExcelJS };
  return loaded.default?.Workbook ? loaded.default : loaded;
}
