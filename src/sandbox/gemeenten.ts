/**
 * The gemeenten of arbeidsmarktregio Midden-Utrecht (AM13), as in
 * `shared/reference/gemeenten-midden-utrecht.csv`, with the postcode range the sandboxes draw
 * addresses from and a weight roughly following population (Utrecht is about half the region).
 * Copied rather than read so the sandboxes run without the shared folder.
 */
export interface Gemeente {
  readonly code: string;
  readonly name: string;
  readonly postcodes: readonly [number, number];
  readonly weight: number;
}

export const GEMEENTEN_MIDDEN_UTRECHT: readonly Gemeente[] = [
  { code: '0344', name: 'Utrecht', postcodes: [3511, 3585], weight: 36 },
  { code: '1904', name: 'Stichtse Vecht', postcodes: [3601, 3633], weight: 6 },
  { code: '0321', name: 'Houten', postcodes: [3991, 3995], weight: 4 },
  { code: '0353', name: 'IJsselstein', postcodes: [3401, 3403], weight: 3 },
  { code: '0331', name: 'Lopik', postcodes: [3411, 3413], weight: 1 },
  { code: '0356', name: 'Nieuwegein', postcodes: [3430, 3439], weight: 6 },
  { code: '0632', name: 'Woerden', postcodes: [3441, 3449], weight: 5 },
  { code: '0589', name: 'Oudewater', postcodes: [3421, 3421], weight: 1 },
  { code: '0335', name: 'Montfoort', postcodes: [3417, 3417], weight: 1 },
  { code: '0310', name: 'De Bilt', postcodes: [3720, 3739], weight: 4 },
  { code: '0312', name: 'Bunnik', postcodes: [3981, 3984], weight: 1 },
  { code: '0355', name: 'Zeist', postcodes: [3701, 3709], weight: 6 },
  { code: '1581', name: 'Utrechtse Heuvelrug', postcodes: [3940, 3958], weight: 4 },
  { code: '0352', name: 'Wijk bij Duurstede', postcodes: [3961, 3962], weight: 2 },
];

export function gemeenteByCode(code: string): Gemeente {
  const gemeente = GEMEENTEN_MIDDEN_UTRECHT.find((candidate) => candidate.code === code);
  if (!gemeente) throw new RangeError(`no gemeente ${code} in Midden-Utrecht`);
  return gemeente;
}
