/**
 * The names of the gemeente wire format (`partners/gemeente-stuf.md`): the StUF 03.01 onderlaag
 * namespace, the werkbrug-defined sector namespace `pw`, the three entiteittypen and their
 * messages. Shared by the connector and its sandbox so both spell them once.
 */
export const STUF_NS = 'http://www.egem.nl/StUF/StUF0301';
/** werkbrug-defined sector model `pw` (spec, introduction). */
export const PW_NS = 'https://werkbrug.example/StUF/sector/pw/0100';

/** The endpoint path below the configured base URL (spec §1). */
export const SERVICE_PATH = '/stuf/pw0100/BeantwoordVraag';

export const entiteittypen = ['PWU', 'RIV', 'LKS'] as const;
export type Entiteittype = (typeof entiteittypen)[number];

export function isEntiteittype(value: string): value is Entiteittype {
  return (entiteittypen as readonly string[]).includes(value);
}

/** `rivLv01`: the question about an entiteittype. */
export function questionName(type: Entiteittype): string {
  return `${type.toLowerCase()}Lv01`;
}

/** `rivLa01`: its answer. */
export function answerName(type: Entiteittype): string {
  return `${type.toLowerCase()}La01`;
}

/** The SOAPAction of a message, with the quotes SOAP 1.1 puts around it (spec §1). */
export function soapAction(message: string): string {
  return `"${PW_NS}/${message}"`;
}

/** The entiteittype a question or answer name is about (`rivLv01` → `RIV`), or undefined. */
export function entiteittypeOfMessage(name: string): { type: Entiteittype; kind: 'Lv01' | 'La01' } | undefined {
  const match = /^(pwu|riv|lks)(Lv01|La01)$/.exec(name);
  if (!match?.[1] || !match[2]) return undefined;
  return { type: match[1].toUpperCase() as Entiteittype, kind: match[2] as 'Lv01' | 'La01' };
}
