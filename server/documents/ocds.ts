import type { TenderDocumentModel } from './document-model';

/**
 * The tender's requirements in the shape of the OCDS requirements extension: one criterion per
 * section, one requirement group per item, one requirement in each. Absolute requirements expect
 * `true`; evaluated ones carry their weight.
 */
export function toOcdsRelease(model: TenderDocumentModel) {
  const ocid = `ocds-datakrav-${model.tenderId}`;
  return {
    ocid,
    id: `${ocid}-r${model.revision}`,
    date: `${model.date}T00:00:00Z`,
    tag: ['tender'],
    initiationType: 'tender',
    language: model.language,
    tender: {
      id: model.reference,
      title: model.title,
      description: model.description,
      ...(model.deadline ? { tenderPeriod: { endDate: `${model.deadline}T23:59:59Z` } } : {}),
      criteria: model.sections.map((section) => ({
        id: `${ocid}-criterion-${section.number}`,
        title: section.title,
        source: 'procuringEntity',
        relatesTo: 'tenderer',
        requirementGroups: section.items.map((item) => ({
          id: `${ocid}-group-${item.key}`,
          description: item.title,
          requirements: [
            {
              id: item.key,
              title: item.title,
              description: item.text,
              dataType: item.type === 'V' ? 'string' : 'boolean',
              ...(item.type !== 'V' ? { expectedValue: true } : {}),
              ...(item.weight !== null ? { weight: item.weight } : {}),
              requirementType: item.type,
              kind: item.kind,
              libraryVersion: item.version,
              responseGuidance: item.responseGuidance,
            },
          ],
        })),
      })),
    },
  };
}
