import type { TenderDocumentModel } from './document-model';

type Party = { id: string; name: string; roles: string[]; details?: Record<string, unknown> };

const slug = (name: string) => name.normalize('NFKD').replace(/[^\w]+/g, '-').replace(/^-+|-+$/g, '').toLowerCase();

/**
 * The organisations behind the tender: the owner as buyer and procuring entity, co-buyers as
 * buyers, and the organisations that signed the joint-set revision the tender started from as
 * interested parties, each marked with the joint set it signed.
 */
function partiesOf(model: TenderDocumentModel): Party[] {
  const buyers = model.buyerOrganisations ?? model.buyers.map((name) => ({ id: slug(name), name }));
  const parties: Party[] = buyers.map((b, i) => ({ id: b.id, name: b.name, roles: i === 0 ? ['buyer', 'procuringEntity'] : ['buyer'] }));
  const coordination = model.coordination;
  if (coordination) {
    const signed = { jointSet: { title: coordination.setTitle, revision: coordination.revision, adoptedOn: coordination.adoptedOn, signatory: true } };
    for (const signatory of coordination.signatories ?? coordination.organisations.map((name) => ({ organisationId: null, name }))) {
      const known = parties.find((p) => (signatory.organisationId ? p.id === signatory.organisationId : p.name === signatory.name));
      if (known) known.details = signed;
      else parties.push({ id: signatory.organisationId ?? slug(signatory.name), name: signatory.name, roles: ['interestedParty'], details: signed });
    }
  }
  return parties;
}

/**
 * The tender's requirements in the shape of the OCDS requirements extension: one criterion per
 * section, one requirement group per item, one requirement in each. Absolute requirements expect
 * `true`; evaluated ones carry their weight.
 */
export function toOcdsRelease(model: TenderDocumentModel) {
  const ocid = `ocds-datakrav-${model.tenderId}`;
  const parties = partiesOf(model);
  const owner = parties[0];
  return {
    ocid,
    id: `${ocid}-r${model.revision}`,
    date: `${model.date}T00:00:00Z`,
    tag: ['tender'],
    initiationType: 'tender',
    language: model.language,
    parties,
    ...(owner ? { buyer: { id: owner.id, name: owner.name } } : {}),
    tender: {
      id: model.reference,
      title: model.title,
      description: model.description,
      ...(owner ? { procuringEntity: { id: owner.id, name: owner.name } } : {}),
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
