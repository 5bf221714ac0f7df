import { evidenceTypeRefused } from './assessments.errors';

/**
 * The evidence files accepted: by file name extension, each with the bytes its content must start
 * with. YAML and XSD are here for the machine checks (API descriptions, export schemas).
 */
const EVIDENCE_TYPES: Record<string, { contentType: string; matches: (bytes: Buffer) => boolean }> = (() => {
  const startsWith = (...signatures: number[][]) => (bytes: Buffer) => signatures.some((s) => s.every((b, i) => bytes[i] === b));
  const zip = startsWith([0x50, 0x4b, 0x03, 0x04], [0x50, 0x4b, 0x05, 0x06]);
  const text = (bytes: Buffer) => {
    try {
      return !new TextDecoder('utf-8', { fatal: true }).decode(bytes).includes('\u0000');
    } catch {
      return false;
    }
  };
  const jpeg = { contentType: 'image/jpeg', matches: startsWith([0xff, 0xd8, 0xff]) };
  return {
    pdf: { contentType: 'application/pdf', matches: startsWith([0x25, 0x50, 0x44, 0x46, 0x2d]) },
    png: { contentType: 'image/png', matches: startsWith([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
    jpg: jpeg,
    jpeg,
    txt: { contentType: 'text/plain; charset=utf-8', matches: text },
    csv: { contentType: 'text/csv; charset=utf-8', matches: text },
    json: { contentType: 'application/json; charset=utf-8', matches: text },
    xml: { contentType: 'application/xml; charset=utf-8', matches: text },
    xsd: { contentType: 'application/xml; charset=utf-8', matches: text },
    yaml: { contentType: 'application/yaml; charset=utf-8', matches: text },
    yml: { contentType: 'application/yaml; charset=utf-8', matches: text },
    docx: { contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', matches: zip },
    xlsx: { contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', matches: zip },
    zip: { contentType: 'application/zip', matches: zip },
  };
})();
const EVIDENCE_EXTENSIONS = Object.keys(EVIDENCE_TYPES);

/** A file name safe to store and to send back: no directories, no control characters, at most 200 characters. */
function safeFilename(name: string): string {
  // eslint-disable-next-line no-control-regex
  const base = (name.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f\u007f"]/g, '').trim();
  if (base.length <= 200) return base;
  const dot = base.lastIndexOf('.');
  const extension = dot > 0 ? base.slice(dot) : '';
  return base.slice(0, 200 - extension.length) + extension;
}

/** The stored name and content type of an evidence file, or an error when its name or content is not an accepted type. */
export function checkEvidenceFile(file: { originalname: string; buffer: Buffer }): { filename: string; contentType: string } {
  const filename = safeFilename(file.originalname);
  const extension = /\.([A-Za-z0-9]+)$/.exec(filename)?.[1]?.toLowerCase() ?? '';
  const type = EVIDENCE_TYPES[extension];
  if (!type || file.buffer.length === 0 || !type.matches(file.buffer)) throw evidenceTypeRefused(EVIDENCE_EXTENSIONS.filter((e) => e !== 'jpeg').map((e) => e.toUpperCase()).join(', '));
  return { filename, contentType: type.contentType };
}
