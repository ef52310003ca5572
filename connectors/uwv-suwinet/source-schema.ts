import { z } from 'zod';
import { childElement, childElements, childText, type XmlElement } from '../../src/xml/xml-document.js';

/**
 * The SuwiML elements werkbrug reads (spec §3, §4), with the partner's names verbatim. `read…`
 * copies only the allowlisted elements out of the XML tree, so employer names and addresses,
 * `FiNr`, amounts, `ArbeidsgeschiktheidClient`, free text and sector codes are never even read
 * (minimisation by construction, `partners/README.md` §2.6); the zod schemas then check formats.
 * `Loonheffingennr` is identifying: the edge turns it into `employer_key` and a key hash.
 * `CdTypeArbeidscontract` and `IndRegelmatigArbeidspatroon` are not read: trajectory format 1 has
 * no field for them, and published answers use values (`U`, `V`) beyond the spec's `O`/`B`.
 */
const text = (pattern: RegExp, expected: string) =>
  z.string({ error: (issue) => (issue.input === undefined ? 'required' : expected) }).regex(pattern, expected);
const optionalText = (pattern: RegExp, expected: string) => z.string({ error: () => expected }).regex(pattern, expected).optional();
const datum = text(/^[0-9]{8}$/, 'a Datum (yyyymmdd)');
const optionalDatum = optionalText(/^[0-9]{8}$/, 'a Datum (yyyymmdd)');

export const inkomstenperiodeSchema = z.object({
  DatBIkp: optionalDatum,
  DatEIkp: optionalDatum,
  CdSrtIkv: text(/^[0-9]{2}$/, 'a CdSrtIkv (2 digits)'),
  CdAardIkv: optionalText(/^[0-9]{2}$/, 'a CdAardIkv (2 digits)'),
});

export const inkomstenopgaveSchema = z.object({
  DatBIko: datum,
  DatEIko: optionalDatum,
  AantVerloondeUrenIko: optionalText(/^-?[0-9]{1,6}$/, 'a whole number of hours'),
});

export const inkomstenverhoudingSchema = z.object({
  VolgnrIkv: text(/^[0-9]{1,4}$/, 'a VolgnrIkv (1–4 digits)'),
  DatBIkv: datum,
  DatEIkv: optionalDatum,
  /** identifying: → `employer_key` and the record key hash, never kept. */
  Loonheffingennr: text(/^[0-9]{9}L[0-9]{2}$/, 'a Loonheffingennr (nnnnnnnnnLnn)'),
  Inkomstenperiode: z.array(inkomstenperiodeSchema).min(1, 'at least one Inkomstenperiode'),
  Inkomstenopgave: z.array(inkomstenopgaveSchema),
});
export type Inkomstenverhouding = z.infer<typeof inkomstenverhoudingSchema>;
export type Inkomstenopgave = z.infer<typeof inkomstenopgaveSchema>;

/** `HHMM` with minutes under 60 (`3200` = 32 h; `2460` is out of range, U21). */
const hhmm = text(/^[0-9]{2}[0-5][0-9]$/, 'hours per week as HHMM (minutes 00–59)');

export const uitkeringsverhoudingSchema = z.object({
  DatBUitkeringsverhouding: datum,
  DatEUitkeringsverhouding: optionalDatum,
  AantWerkurenPerWeekGrondslagUitk: hhmm.optional(),
  CdSzWet: text(/^[^0-9\s]{1,5}$/, 'a CdSzWet (at most 5 non-digit characters)'),
});
export type Uitkeringsverhouding = z.infer<typeof uitkeringsverhoudingSchema>;

type Picked = Record<string, string | undefined>;

function pick(element: XmlElement, ns: string, names: readonly string[]): Picked {
  const out: Picked = {};
  for (const name of names) out[name] = childText(element, ns, name);
  return out;
}

/** The allowlisted content of one `Inkomstenverhouding`; nothing else is copied. */
export function readInkomstenverhouding(element: XmlElement, ns: string): unknown {
  const eenheid = childElement(element, ns, 'AdministratieveEenheid');
  return {
    ...pick(element, ns, ['VolgnrIkv', 'DatBIkv', 'DatEIkv']),
    Loonheffingennr: eenheid ? childText(eenheid, ns, 'Loonheffingennr') : undefined,
    Inkomstenperiode: childElements(element, ns, 'Inkomstenperiode').map((p) => pick(p, ns, ['DatBIkp', 'DatEIkp', 'CdSrtIkv', 'CdAardIkv'])),
    Inkomstenopgave: childElements(element, ns, 'Inkomstenopgave').map((o) => pick(o, ns, ['DatBIko', 'DatEIko', 'AantVerloondeUrenIko'])),
  };
}

/** The allowlisted content of one `Uitkeringsverhouding`. */
export function readUitkeringsverhouding(element: XmlElement, ns: string): unknown {
  const wet = childElement(element, ns, 'SzWet');
  return {
    ...pick(element, ns, ['DatBUitkeringsverhouding', 'DatEUitkeringsverhouding', 'AantWerkurenPerWeekGrondslagUitk']),
    CdSzWet: wet ? childText(wet, ns, 'CdSzWet') : undefined,
  };
}

/** What the key of a relation is built from, read before validation so a rejection can name it. */
export function keyPartsOf(raw: unknown): Picked {
  return typeof raw === 'object' && raw !== null ? (raw as Picked) : {};
}
