/**
 * The score chart as a standalone SVG document, drawn on the server so it is readable without
 * JavaScript: a title and description for assistive technology, and every bar labelled with its
 * number and series in text, so nothing depends on colour alone.
 */

/** One basis of one product: its score, its qualification, and the A or AV keys that disqualify it. */
export type ChartSeries = { score: number | null; qualification: 'qualified' | 'open' | 'disqualified'; failing: string[] };
export type ChartRow = { label: string; claimed: ChartSeries; verified: ChartSeries };
export type ChartText = { title: string; description: string; claimed: string; verified: string; disqualified: string; open: string; noScore: string };

const LEFT = 12;
const BAR_AREA = 560;
/**
 * Room to the right of a full bar for its label, the longest being "100 Verified score – A
 * requirements not settled" at 11 px, so no label is cut off at the edge of the picture.
 */
const LABEL_ROOM = 300;
const WIDTH = LEFT + BAR_AREA + 6 + LABEL_ROOM;
const BAR_HEIGHT = 12;
const ROW_HEIGHT = 54;
const TOP = 78;
const COLOURS = { claimed: '#6c8ebf', verified: '#1e6b3a', grid: '#c8ccd0', text: '#1e2b3c' };

export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string);
}

const truncate = (value: string, max: number) => (value.length > max ? `${value.slice(0, max - 1)}…` : value);
const formatScore = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(1));

/**
 * One series' bar. A product disqualified on that basis gets no bar, only the words and the keys
 * that disqualify it: a long bar beside "disqualified" reads as a good result.
 */
function bar(x: number, y: number, value: ChartSeries, series: 'claimed' | 'verified', text: ChartText): string {
  const name = text[series];
  const line = (words: string) => `<text x="${x}" y="${y + BAR_HEIGHT - 2}" font-size="11" fill="${COLOURS.text}">${escapeXml(words)}</text>`;
  if (value.qualification === 'disqualified') return line(`${name}: ${text.disqualified} (${value.failing.join(', ')})`);
  if (value.score === null) return line(`${name}: ${text.noScore}`);
  const width = Math.max(1, Math.round((BAR_AREA * value.score) / 100));
  const pattern = series === 'claimed' ? ` stroke="${COLOURS.claimed}" stroke-dasharray="3 2" fill-opacity="0.55"` : '';
  const open = value.qualification === 'open' ? ` – ${text.open}` : '';
  return (
    `<rect x="${x}" y="${y}" width="${width}" height="${BAR_HEIGHT}" fill="${COLOURS[series]}"${pattern}/>` +
    `<text x="${x + width + 6}" y="${y + BAR_HEIGHT - 2}" font-size="11" fill="${COLOURS.text}">${escapeXml(`${formatScore(value.score)} ${name}${open}`)}</text>`
  );
}

const seriesSummary = (name: string, value: ChartSeries, text: ChartText) =>
  `${name} ${value.qualification === 'disqualified' ? `${text.disqualified} (${value.failing.join(', ')})` : `${value.score === null ? text.noScore : formatScore(value.score)}${value.qualification === 'open' ? ` – ${text.open}` : ''}`}`;

export function scoreChartSvg(rows: readonly ChartRow[], text: ChartText): string {
  const height = TOP + Math.max(1, rows.length) * ROW_HEIGHT + 10;
  const grid = [0, 25, 50, 75, 100]
    .map((tick) => {
      const x = LEFT + (BAR_AREA * tick) / 100;
      return `<line x1="${x}" y1="${TOP - 8}" x2="${x}" y2="${height - 10}" stroke="${COLOURS.grid}" stroke-width="1"/><text x="${x}" y="${TOP - 12}" font-size="10" text-anchor="middle" fill="${COLOURS.text}">${tick}</text>`;
    })
    .join('');
  const legend =
    `<rect x="${LEFT}" y="32" width="14" height="10" fill="${COLOURS.claimed}" stroke="${COLOURS.claimed}" stroke-dasharray="3 2" fill-opacity="0.55"/><text x="${LEFT + 20}" y="41" font-size="11" fill="${COLOURS.text}">${escapeXml(text.claimed)}</text>` +
    `<rect x="${LEFT + 150}" y="32" width="14" height="10" fill="${COLOURS.verified}"/><text x="${LEFT + 170}" y="41" font-size="11" fill="${COLOURS.text}">${escapeXml(text.verified)}</text>`;
  const bars = rows
    .map((row, n) => {
      // Each product gets its own line for the name, so long names are never cut by the bars.
      const y = TOP + n * ROW_HEIGHT;
      const label = `${truncate(row.label, 100)}${row.verified.qualification === 'disqualified' ? ` (${text.disqualified})` : ''}`;
      const summary = `${row.label}: ${seriesSummary(text.claimed, row.claimed, text)}, ${seriesSummary(text.verified, row.verified, text)}`;
      return (
        `<g><title>${escapeXml(summary)}</title>` +
        `<text x="${LEFT}" y="${y + 10}" font-size="12" fill="${COLOURS.text}">${escapeXml(label)}</text>` +
        bar(LEFT, y + 16, row.claimed, 'claimed', text) +
        bar(LEFT, y + 16 + BAR_HEIGHT + 3, row.verified, 'verified', text) +
        '</g>'
      );
    })
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="chart-title chart-desc" font-family="system-ui, sans-serif">` +
    `<title id="chart-title">${escapeXml(text.title)}</title><desc id="chart-desc">${escapeXml(text.description)}</desc>` +
    `<rect width="100%" height="100%" fill="#ffffff"/>` +
    `<text x="${LEFT}" y="20" font-size="14" font-weight="bold" fill="${COLOURS.text}">${escapeXml(truncate(text.title, 90))}</text>` +
    legend +
    grid +
    bars +
    '</svg>'
  );
}
