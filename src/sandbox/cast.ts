/**
 * The shared cast of test persons (`partners/README.md` §1). Every sandbox seeds these persons,
 * so one person's records at the ggz, the gemeente and UWV link through one pseudonym. BSNs are
 * fictional and pass the 11-proef, except X1 and X2, which exist to fail it. Names, addresses and
 * birth dates are the personal data the pipeline must drop; tests use them as canaries.
 */
export interface SandboxPerson {
  /** `P1`…`P9`, `X1`, `X2` for the cast; `G000001`… for generated persons. */
  readonly key: string;
  readonly bsn: string;
  readonly givenName: string;
  /** Voorvoegsel (`de`, `van der`), kept apart as nl-core does. */
  readonly familyPrefix?: string;
  readonly familyName: string;
  readonly gender: 'female' | 'male' | 'other';
  readonly birthDate: string;
  readonly gemeenteCode: string;
  readonly gemeenteName: string;
  readonly street: string;
  readonly houseNumber: string;
  readonly postalCode: string;
  readonly phone: string;
}

export type CastId = 'P1' | 'P2' | 'P3' | 'P4' | 'P5' | 'P6' | 'P7' | 'P8' | 'P9' | 'X1' | 'X2';

export interface CastPerson extends SandboxPerson {
  readonly key: CastId;
  /** What the ggz EPD holds for this person. */
  readonly ggz: string;
  readonly gemeente: string;
  readonly uwv: string;
  /** What the person exists to test. */
  readonly tests: string;
}

export const P1: CastPerson = {
  key: 'P1', bsn: '999990019', givenName: 'Sanne', familyPrefix: 'de', familyName: 'Vries', gender: 'female', birthDate: '1991-06-14',
  gemeenteCode: '0344', gemeenteName: 'Utrecht', street: 'Oudegracht', houseNumber: '231', postalCode: '3511 NK', phone: '+31612345678',
  ggz: 'IPS referral by the gemeente + trajectory started 2025-02-03; consent for P_MONITOR_REGIO and P_VERANTWOORDING_COFIN',
  gemeente: 'Utrecht (0344): bijstand ended 2025-05-31 for work; IPS provision granted; loonkostensubsidie placement from 2025-06-01',
  uwv: 'bijstand (ikv 43) until May, job (ikv 15) from 2025-06-01 at the LKS employer, hours every month',
  tests: 'the happy path, one person across three partners',
};

export const P2: CastPerson = {
  key: 'P2', bsn: '999990032', givenName: 'Mohamed', familyName: 'El Amrani', gender: 'male', birthDate: '1986-11-02',
  gemeenteCode: '0355', gemeenteName: 'Zeist', street: 'Slotlaan', houseNumber: '12', postalCode: '3701 GK', phone: '+31612345602',
  ggz: 'referral + trajectory; consent for P_MONITOR_REGIO only',
  gemeente: '—',
  uwv: 'WGA benefit (ikv 40, CdSzWet WGA) plus a part-time job',
  tests: 'consent for one purpose, not the other',
};

export const P3: CastPerson = {
  key: 'P3', bsn: '999990044', givenName: 'Lotte', familyName: 'Jansen', gender: 'female', birthDate: '1979-03-21',
  gemeenteCode: '0356', gemeenteName: 'Nieuwegein', street: 'Muntplein', houseNumber: '8', postalCode: '3431 BM', phone: '+31612345603',
  ggz: 'trajectory; consent for both purposes, later set to inactive (version 2)',
  gemeente: 'Nieuwegein (0356) via WIL',
  uwv: 'job',
  tests: 'withdrawal → erasure; UWV no longer asked after it',
};

export const P4: CastPerson = {
  key: 'P4', bsn: '999990056', givenName: 'Kees', familyPrefix: 'van den', familyName: 'Berg', gender: 'male', birthDate: '1968-09-30',
  gemeenteCode: '0321', gemeenteName: 'Houten', street: 'Koppeldijk', houseNumber: '45', postalCode: '3992 AA', phone: '+31612345604',
  ggz: 'referral; consent rejected',
  gemeente: 'Houten (0321) via WIL',
  uwv: 'job',
  tests: 'nothing may ever be forwarded; UWV never asked',
};

export const P5: CastPerson = {
  key: 'P5', bsn: '999990068', givenName: 'Fatma', familyName: 'Yılmaz', gender: 'female', birthDate: '1984-01-17',
  gemeenteCode: '0344', gemeenteName: 'Utrecht', street: 'Kanaalstraat', houseNumber: '102', postalCode: '3531 CK', phone: '+31612345605',
  ggz: 'trajectory; consent for both purposes whose period ended last month (relative to the sandbox clock)',
  gemeente: 'Utrecht',
  uwv: 'WW (ikv 33)',
  tests: 'expired consent; UWV no longer asked',
};

export const P6: CastPerson = {
  key: 'P6', bsn: '999990081', givenName: 'Daan', familyName: 'Visser', gender: 'male', birthDate: '2001-07-08',
  gemeenteCode: '0310', gemeenteName: 'De Bilt', street: 'Dorpsstraat', houseNumber: '5', postalCode: '3732 HJ', phone: '+31612345606',
  ggz: 'trajectory; no Consent resource at all',
  gemeente: '—',
  uwv: 'Wajong (ikv 37)',
  tests: 'pending, then refused after the waiting time; UWV never asked',
};

export const P7: CastPerson = {
  key: 'P7', bsn: '999990093', givenName: 'Eva', familyName: 'Smit', gender: 'female', birthDate: '1995-12-03',
  gemeenteCode: '0632', gemeenteName: 'Woerden', street: 'Rijnstraat', houseNumber: '40', postalCode: '3441 BT', phone: '+31612345607',
  ggz: 'trajectory; consent for both purposes',
  gemeente: '—',
  uwv: 'NietsGevonden',
  tests: 'a person UWV does not know (not an error)',
};

export const P8: CastPerson = {
  key: 'P8', bsn: '010000021', givenName: 'Thijs', familyPrefix: 'de', familyName: 'Jong', gender: 'male', birthDate: '1999-04-25',
  gemeenteCode: '0344', gemeenteName: 'Utrecht', street: 'Amsterdamsestraatweg', houseNumber: '512', postalCode: '3553 EL', phone: '+31612345608',
  ggz: 'trajectory; consent for both purposes; BSN with its leading zero',
  gemeente: 'Utrecht stores it as 10000021',
  uwv: 'job',
  tests: 'BSN normalisation links the two',
};

export const P9: CastPerson = {
  key: 'P9', bsn: '999990111', givenName: 'Noor', familyName: 'Bakker', gender: 'female', birthDate: '1988-08-12',
  gemeenteCode: '0344', gemeenteName: 'Utrecht', street: 'Biltstraat', houseNumber: '77', postalCode: '3572 AG', phone: '+31612345609',
  ggz: 'referral revoked before a start (REFERRAL_NOT_STARTED); consent for both purposes',
  gemeente: 'Utrecht: bijstand; IPS application refused (AFGEWEZEN)',
  uwv: 'bijstand (ikv 43)',
  tests: 'a referral without a start; a refused application; UWV never asked (no START)',
};

export const X1: CastPerson = {
  key: 'X1', bsn: '999990010', givenName: 'Ruben', familyName: 'Mulder', gender: 'male', birthDate: '1990-02-14',
  gemeenteCode: '0344', gemeenteName: 'Utrecht', street: 'Twijnstraat', houseNumber: '3', postalCode: '3511 ZH', phone: '+31612345610',
  ggz: 'edge-cases scenario', gemeente: 'edge-cases scenario', uwv: '—',
  tests: 'fails the 11-proef',
};

export const X2: CastPerson = {
  key: 'X2', bsn: '123456789', givenName: 'Iris', familyName: 'Meijer', gender: 'female', birthDate: '1993-10-09',
  gemeenteCode: '0356', gemeenteName: 'Nieuwegein', street: 'Dorpsstraat', houseNumber: '19', postalCode: '3433 CJ', phone: '+31612345611',
  ggz: 'edge-cases scenario', gemeente: '—', uwv: '—',
  tests: 'fails the 11-proef (a classic placeholder)',
};

/** The persons every scenario but `volume` serves, in table order. */
export const CAST: readonly CastPerson[] = [P1, P2, P3, P4, P5, P6, P7, P8, P9];

/** The two invalid-BSN persons of the edge-cases scenarios. */
export const CAST_INVALID: readonly CastPerson[] = [X1, X2];

const CAST_IDS: ReadonlySet<string> = new Set(['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7', 'P8', 'P9', 'X1', 'X2']);

export function isCastId(key: string): key is CastId {
  return CAST_IDS.has(key);
}

export function castPerson(key: CastId): CastPerson {
  const person = [...CAST, ...CAST_INVALID].find((candidate) => candidate.key === key);
  if (!person) throw new RangeError(`no cast person ${key}`);
  return person;
}

/** `Sanne de Vries`. */
export function fullName(person: Pick<SandboxPerson, 'givenName' | 'familyPrefix' | 'familyName'>): string {
  return [person.givenName, person.familyPrefix, person.familyName].filter(Boolean).join(' ');
}
