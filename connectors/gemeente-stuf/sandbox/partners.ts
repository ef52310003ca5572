/**
 * The gemeente partners one sandbox process can play (`reference/partners-midden-utrecht.csv`,
 * spec §9): which gemeenten each serves, its `ontvanger` organisation code and the cast persons
 * whose gemeente it is. Copied rather than read so the sandbox runs without the shared folder.
 */
export interface GemeentePartner {
  readonly id: string;
  /** `StUF:ontvanger/organisatie` the suite answers to (spec §2.1). */
  readonly ontvanger: string;
  /** CBS gemeentecodes served; the first is the one edge cases and canaries use. */
  readonly gemeenten: readonly string[];
}

export const GEMEENTE_PARTNERS: readonly GemeentePartner[] = [
  { id: 'gem-utrecht', ontvanger: '0344', gemeenten: ['0344'] },
  { id: 'gem-stichtse-vecht', ontvanger: '1904', gemeenten: ['1904'] },
  { id: 'uo-wil-lekstroom', ontvanger: 'WIL', gemeenten: ['0321', '0353', '0331', '0356'] },
  // Ferm Werk also serves Bodegraven-Reeuwijk (1901), outside AM13 (edge case G14).
  { id: 'uo-ferm-werk', ontvanger: 'FERMWERK', gemeenten: ['0632', '0589', '0335', '1901'] },
  { id: 'uo-rsd-krh', ontvanger: 'RSDKRH', gemeenten: ['0310', '0312', '0355', '1581', '0352'] },
];

export const partnerIds = GEMEENTE_PARTNERS.map((partner) => partner.id) as [string, ...string[]];

export function gemeentePartner(id: string): GemeentePartner {
  const partner = GEMEENTE_PARTNERS.find((candidate) => candidate.id === id);
  if (!partner) throw new RangeError(`no gemeente partner ${id}; expected one of ${partnerIds.join(', ')}`);
  return partner;
}

/** The sender werkbrug uses (spec §2.1): region and application; `gebruiker` is free. */
export const ZENDER = { organisatie: 'AM13', applicatie: 'werkbrug' } as const;
export const ONTVANGER_APPLICATIE = 'SOCDOM';
