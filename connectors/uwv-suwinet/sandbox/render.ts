import { escapeXml } from '../../../src/xml/xml-document.js';
import { datum, FWI_NS, FWI_TEXTS, IKV, WV, type ServiceWireNames } from '../suwiml.js';
import { daysIn, deliveredPeriod, lastOfMonth, looseDate, overlaps, type Period } from './sandbox-dates.js';
import type { RootStyle, ServedInkomstenverhouding, ServedPerson, ServedReturn, ServedUitkeringsverhouding } from './served.js';
import { addMonths } from '../../../src/sandbox/index.js';

/**
 * Served data → the SuwiML answer element (`…Response`, without the envelope) of spec §3 and §4.
 * Children are unqualified, as the XSDs have it; the root's namespace style is the person's (U16).
 * Inkomsten answers hold the relations that overlap the delivered period and the returns inside
 * it; werknemersverzekeringen has no period and holds every entitlement.
 */
const el = (name: string, content: string | number | undefined): string => (content === undefined ? '' : `<${name}>${typeof content === 'number' ? content : escapeXml(content)}</${name}>`);

function amount(name: string, cents: number): string {
  return `<${name}>${el('CdMunteenheid', 'EUR')}${el('CdPositiefNegatief', cents < 0 ? '-' : '+')}${el('WaardeBedr', Math.abs(cents))}</${name}>`;
}

const VERBOSE_AMOUNTS = ['BedrLoonLbPremieVolksverz', 'BedrIngehoudenLbPremieVolksverz', 'BedrVakantietoeslag', 'BedrOpgbRechtVakantietoeslag', 'BedrLoonSv', 'BedrPremieWwAwf', 'BedrPremieUfo', 'BedrWerkgBijdrZvw', 'BedrLoonZvw', 'BedrIngehoudenBijdrZvw', 'BedrAlInBijzbeloning', 'BedrExtraSalaris'];

function returnXml(r: ServedReturn, verbose: boolean): string {
  const extra = verbose ? VERBOSE_AMOUNTS.map((name) => `\n            ${amount(name, Math.round(r.amountCents / 3))}`).join('') : '';
  return `<Inkomstenopgave>${el('DatBIko', r.start)}${el('DatEIko', r.end)}${el('AantSvDagenIko', r.svDays)}${el('AantVerloondeUrenIko', r.hours)}${amount('BedrBrutoloonSv', r.amountCents)}${extra}</Inkomstenopgave>`;
}

/** One return per month of the relation inside the delivered period, prorated at its edges. */
function monthlyReturns(relation: ServedInkomstenverhouding, delivered: Period): ServedReturn[] {
  if (relation.returns) return [...relation.returns];
  const start = looseDate(relation.start, 'start');
  if (start === undefined || relation.weeklyHours === undefined) return [];
  const end = looseDate(relation.end, 'end');
  const last = end !== undefined && end < delivered.to ? end : delivered.to;
  const out: ServedReturn[] = [];
  for (let month = `${(start > delivered.from ? start : delivered.from).slice(0, 8)}01`; month <= last; month = addMonths(month, 1)) {
    const from = month < start ? start : month;
    const monthEnd = lastOfMonth(month);
    const to = monthEnd > last ? last : monthEnd;
    if (to < from) continue;
    const share = daysIn(from, to) / daysIn(month, monthEnd);
    out.push({ start: datum(from), end: datum(to), hours: Math.round((relation.weeklyHours * daysIn(from, to)) / 7), amountCents: Math.round((relation.monthlyCents ?? 0) * share) });
  }
  return out;
}

function employerXml(relation: ServedInkomstenverhouding): string {
  const { employer } = relation;
  const identity = employer.person
    ? `<PersoonAdministratieveEenheid>${el('Voornamen', employer.person.givenNames)}${el('Voorvoegsel', employer.person.prefix)}${el('SignificantDeelVanDeAchternaam', employer.person.familyName)}<FeitelijkAdresPersoonAeh><Straatadres>${el('Postcd', employer.person.postalCode)}${el('Woonplaatsnaam', employer.person.city)}${el('Straatnaam', employer.person.street)}${el('Huisnr', employer.person.houseNumber)}</Straatadres></FeitelijkAdresPersoonAeh></PersoonAdministratieveEenheid>`
    : `<RechtspersoonAdministratieveEenh>${el('FiNr', relation.loonheffingennr.slice(0, 9))}${el('NaamRechtspersoon', `${employer.name} B.V.`)}</RechtspersoonAdministratieveEenh>`;
  return `<AdministratieveEenheid>${el('NaamAdministratieveEenheid', employer.name)}${el('Loonheffingennr', relation.loonheffingennr)}${identity}</AdministratieveEenheid>`;
}

function relationXml(relation: ServedInkomstenverhouding, delivered: Period): string {
  const periods = relation.periods
    .map((p) => `<Inkomstenperiode>${el('DatBIkp', p.start)}${el('DatEIkp', p.end)}${el('CdSrtIkv', p.cdSrtIkv)}${el('CdTypeArbeidscontract', p.cdTypeArbeidscontract)}${el('IndLoonheffingskortingToegepast', '1')}${p.cdAardIkv ? el('IndRegelmatigArbeidspatroon', '1') : ''}${el('CdAardIkv', p.cdAardIkv)}</Inkomstenperiode>`)
    .join('\n        ');
  const returns = monthlyReturns(relation, delivered).map((r) => returnXml(r, relation.verbose === true)).join('\n        ');
  return `<Inkomstenverhouding>
        ${el('VolgnrIkv', relation.volgnr)}${el('DatBIkv', relation.start)}${el('DatEIkv', relation.end)}
        ${employerXml(relation)}
        ${periods}${relation.extraXml ? `\n        ${relation.extraXml}` : ''}
        ${returns}
      </Inkomstenverhouding>`;
}

function entitlementXml(uv: ServedUitkeringsverhouding): string {
  const ended = uv.end !== undefined ? el('OmsRedenEindeUitkeringsverh', 'Werkhervatting') : '';
  return `<Uitkeringsverhouding>${el('DatBUitkeringsverhouding', uv.start)}${el('DatEUitkeringsverhouding', uv.end)}${ended}${el('AantWerkurenPerWeekGrondslagUitk', uv.hoursBasis)}<SzWet>${el('CdSzWet', uv.cdSzWet)}</SzWet><Uitkeringsperiode>${el('DatBUitkeringsperiode', uv.start)}<BrutoUitkeringsbedrag>${el('CdMunteenheid', 'EUR')}${el('WaardeBedr', uv.monthlyCents)}${el('CdUitkeringsperiode', '6')}</BrutoUitkeringsbedrag></Uitkeringsperiode></Uitkeringsverhouding>`;
}

/** The `ClientSuwi` of one service for a person, or undefined when that service has nothing. */
export function clientSuwiXml(person: ServedPerson, service: ServiceWireNames, asked: Period, today: string): string {
  const bsn = el('Burgerservicenr', person.answerBsn ?? person.bsn);
  if (service === IKV) {
    const delivered = deliveredPeriod(asked, today, person.deliveredFrom);
    const relations = person.ikv.filter((r) => overlaps(looseDate(r.start, 'start'), looseDate(r.end, 'end'), delivered));
    return `<ClientSuwi>\n      ${bsn}\n      ${relations.map((r) => relationXml(r, delivered)).join('\n      ')}\n    </ClientSuwi>`;
  }
  const ao = person.aoKlasse ? `<ArbeidsgeschiktheidClient>${el('CdArbeidsongeschiktheidsklasse', person.aoKlasse.klasse)}${el('DatBAoKlasse', person.aoKlasse.since)}</ArbeidsgeschiktheidClient>` : '';
  return `<ClientSuwi>${bsn}${ao}${person.uv.map(entitlementXml).join('')}</ClientSuwi>`;
}

export function fwiXml(kind: 'Fout' | 'Waarschuwing', code: string): string {
  return `<fwi:FWI><${kind}>${el('Code', code)}${el('Tekst', FWI_TEXTS[code] ?? 'Onbekende fout.')}<Bron>${el('DN', 'cn=polisadministratie,ou=sandbox,o=UWV,c=NL')}</Bron></${kind}></fwi:FWI>`;
}

/**
 * Wraps the answer's children in the `…Response` root in one of the namespace styles of U16.
 * `default-with-empty` puts `xmlns=""` on each child; `default-without-empty` does not, so the
 * children land in the service namespace (a producer bug the connector tolerates).
 */
export function responseXml(service: ServiceWireNames, children: readonly string[], style: RootStyle = 'prefixed'): string {
  const name = `${service.operation}Response`;
  const unqualify = (child: string) => child.replace(/^<(?!fwi:)([A-Za-z]+)/, '<$1 xmlns=""').replace(/^<fwi:([A-Za-z]+)/, '<fwi:$1 xmlns=""');
  if (style === 'ns3') return `<ns3:${name} xmlns:ns3="${service.bodyNs}" xmlns:fwi="${FWI_NS}">\n    ${children.join('\n    ')}\n  </ns3:${name}>`;
  if (style === 'default-with-empty') return `<${name} xmlns="${service.bodyNs}" xmlns:fwi="${FWI_NS}">\n    ${children.map(unqualify).join('\n    ')}\n  </${name}>`;
  if (style === 'default-without-empty') return `<${name} xmlns="${service.bodyNs}" xmlns:fwi="${FWI_NS}">\n    ${children.join('\n    ')}\n  </${name}>`;
  return `<smls:${name} xmlns:smls="${service.bodyNs}" xmlns:fwi="${FWI_NS}">\n    ${children.map(unqualify).join('\n    ')}\n  </smls:${name}>`;
}

/** The whole answer element for a person, a service and an asked period. */
export function answerXml(person: ServedPerson, service: ServiceWireNames, asked: Period, today: string): string {
  const plan = service === WV ? person.wvAnswer : person.ikvAnswer;
  const style = person.rootStyle ?? 'prefixed';
  switch (plan.kind) {
    case 'not-found':
      return responseXml(service, ['<fwi:NietsGevonden/>'], style);
    case 'fwi-refusal':
      return responseXml(service, [fwiXml('Fout', plan.code)], style);
    case 'response':
      return plan.responseXml;
    default: {
      const client = plan.kind === 'client' ? plan.clientXml : clientSuwiXml(person, service, asked, today);
      const delivered = deliveredPeriod(asked, today, person.deliveredFrom);
      const period = service === IKV ? [`<PeriodeGegevensleveringIko>${el('DatBPeriode', datum(delivered.from))}${el('DatEPeriode', datum(delivered.to))}</PeriodeGegevensleveringIko>`] : [];
      const warning = person.warning ? [fwiXml('Waarschuwing', person.warning)] : [];
      return responseXml(service, [client, ...period, ...warning], style);
    }
  }
}
