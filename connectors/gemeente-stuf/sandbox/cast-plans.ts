import { amsterdamLocal, P1, P3, P4, P5, P8, P9, type CastPerson } from '../../../src/sandbox/index.js';
import type { ObjectPlan } from './object-plan.js';
import type { RivState, StufClient } from './objects.js';

/**
 * The cast's records at the gemeente (`partners/README.md` §1, spec §9). P1 is exactly the spec's
 * examples of §4.2 and §4.4; the others follow the cast table. Dates are fixed, not relative to
 * the clock, so they match the ggz and UWV sandboxes' stories of the same persons.
 */
function client(person: CastPerson, full = true): StufClient {
  return {
    bsn: person.key === 'P8' ? '10000021' : person.bsn,
    ...(full
      ? {
          familyName: person.familyName,
          ...(person.familyPrefix ? { familyPrefix: person.familyPrefix } : {}),
          givenNames: person.givenName,
          gender: person.gender === 'female' ? ('V' as const) : person.gender === 'male' ? ('M' as const) : ('O' as const),
        }
      : {}),
    birthDate: person.birthDate,
  };
}

const at = (date: string, time: string): number => amsterdamLocal(date, time);

function ipsRiv(extra: Partial<RivState>): RivState {
  return { typeVoorziening: 'IPS', doel: 'W', indicatieIps: 'J', verwijzer: 'GGZ', financiering: 'SUBSIDIE-IPS', ...extra };
}

function p1Plans(): ObjectPlan[] {
  const application = ipsRiv({
    omschrijving: 'IPS via Altrecht, werkwens horeca, contact via moeder', verwijzer: 'GEM', kenmerkVerwijzing: 'VW-2025-000042',
    datumAanvraag: '2025-01-16', behandelaar: 'R. Janssen (klantmanager)',
  });
  const bijstand = { soortUitkering: 'PW', datumAanvang: '2023-03-01', leefvorm: 'A' };
  return [
    {
      key: { type: 'RIV', identificatie: '0344-RV-2025-000317', sleutel: 'RV000317', gemeentecode: '0344' }, person: 'P1', client: client(P1),
      mutations: [
        { soort: 'T', atMs: at('2025-01-16', '14:02'), state: { type: 'RIV', riv: application } },
        { soort: 'W', atMs: Date.parse('2025-02-03T09:15:12.345+01:00'), state: { type: 'RIV', riv: { ...application, besluit: 'TOEGEKEND', datumBesluit: '2025-01-29', datumAanvang: '2025-02-03' } } },
      ],
    },
    {
      key: { type: 'PWU', identificatie: '0344-PW-2023-004411', sleutel: 'PW004411', gemeentecode: '0344' }, person: 'P1', client: client(P1, false),
      mutations: [
        { soort: 'T', atMs: at('2023-03-01', '10:20'), state: { type: 'PWU', pwu: bijstand } },
        { soort: 'W', atMs: Date.parse('2025-06-02T08:30:00.000+02:00'), state: { type: 'PWU', pwu: { ...bijstand, datumEinde: '2025-05-31', redenBeeindiging: 'WA' } } },
      ],
    },
    {
      key: { type: 'LKS', identificatie: '0344-LKS-2025-000088', sleutel: 'LK000088', gemeentecode: '0344' }, person: 'P1', client: { bsn: P1.bsn },
      mutations: [{
        soort: 'T', atMs: Date.parse('2025-06-02T09:12:10.000+02:00'),
        state: {
          type: 'LKS',
          lks: {
            soortLoonkostensubsidie: 'LKS', datumAanvang: '2025-06-01', loonwaardePercentage: '65', urenPerWeek: '24.00',
            werkgever: { loonheffingennummer: '812345605L01', kvkNummer: '30123456', naam: 'Grand Café De Zaak B.V.' },
            arbeidsovereenkomst: { datumIngang: '2025-06-01', datumEinde: '2025-11-30', soort: 'B' },
            hoortBijVoorziening: '0344-RV-2025-000317',
          },
        },
      }],
    },
  ];
}

function utrechtOthers(): ObjectPlan[] {
  const p5Application = ipsRiv({ datumAanvraag: '2025-03-10' });
  const p8Application = ipsRiv({ datumAanvraag: '2025-03-03', kenmerkVerwijzing: 'VW-2025-000057' });
  const p9Application = ipsRiv({ datumAanvraag: '2025-02-10', verwijzer: 'GGZ', kenmerkVerwijzing: 'VW-2025-000049' });
  return [
    // P5: a provision registered by mistake and removed (the V of spec §4.2), and an open bijstand.
    {
      key: { type: 'RIV', identificatie: '0344-RV-2025-000288', sleutel: 'RV000288', gemeentecode: '0344' }, person: 'P5', client: client(P5),
      mutations: [{ soort: 'T', atMs: at('2025-03-10', '11:00'), state: { type: 'RIV', riv: p5Application } }, { soort: 'V', atMs: at('2025-05-20', '15:40') }],
    },
    {
      key: { type: 'PWU', identificatie: '0344-PW-2024-002210', sleutel: 'PW002210', gemeentecode: '0344' }, person: 'P5', client: client(P5, false),
      mutations: [{ soort: 'T', atMs: at('2024-09-02', '09:30'), state: { type: 'PWU', pwu: { soortUitkering: 'PW', datumAanvang: '2024-09-01', leefvorm: 'A' } } }],
    },
    // P8: the suite lost the BSN's leading zero (10000021).
    {
      key: { type: 'RIV', identificatie: '0344-RV-2025-000402', sleutel: 'RV000402', gemeentecode: '0344' }, person: 'P8', client: client(P8),
      mutations: [
        { soort: 'T', atMs: at('2025-03-03', '10:05'), state: { type: 'RIV', riv: p8Application } },
        { soort: 'W', atMs: at('2025-03-20', '16:10'), state: { type: 'RIV', riv: { ...p8Application, besluit: 'TOEGEKEND', datumBesluit: '2025-03-18', datumAanvang: '2025-04-01' } } },
      ],
    },
    // P9: bijstand, and an IPS application that was refused (no start).
    {
      key: { type: 'PWU', identificatie: '0344-PW-2024-001877', sleutel: 'PW001877', gemeentecode: '0344' }, person: 'P9', client: client(P9, false),
      mutations: [{ soort: 'T', atMs: at('2024-01-16', '09:00'), state: { type: 'PWU', pwu: { soortUitkering: 'PW', datumAanvang: '2024-01-15', leefvorm: 'A' } } }],
    },
    {
      key: { type: 'RIV', identificatie: '0344-RV-2025-000355', sleutel: 'RV000355', gemeentecode: '0344' }, person: 'P9', client: client(P9),
      mutations: [
        { soort: 'T', atMs: at('2025-02-10', '13:45'), state: { type: 'RIV', riv: p9Application } },
        { soort: 'W', atMs: at('2025-03-05', '10:30'), state: { type: 'RIV', riv: { ...p9Application, besluit: 'AFGEWEZEN', datumBesluit: '2025-03-04' } } },
      ],
    },
  ];
}

function wilPlans(): ObjectPlan[] {
  const p3Application = ipsRiv({ datumAanvraag: '2024-09-02' });
  const p4Application = ipsRiv({ datumAanvraag: '2025-04-01' });
  const bijstand = { soortUitkering: 'PW', datumAanvang: '2022-11-01', leefvorm: 'A' };
  return [
    {
      key: { type: 'RIV', identificatie: '0356-RV-2024-000517', sleutel: 'RV000517', gemeentecode: '0356' }, person: 'P3', client: client(P3),
      mutations: [
        { soort: 'T', atMs: at('2024-09-02', '11:15'), state: { type: 'RIV', riv: p3Application } },
        { soort: 'W', atMs: at('2024-09-20', '09:40'), state: { type: 'RIV', riv: { ...p3Application, besluit: 'TOEGEKEND', datumBesluit: '2024-09-18', datumAanvang: '2024-10-01' } } },
      ],
    },
    // The bijstand that ended when work started (`trajectory-format.md` §7).
    {
      key: { type: 'PWU', identificatie: '0356-PW-2022-088412', sleutel: 'PW088412', gemeentecode: '0356' }, person: 'P3', client: client(P3, false),
      mutations: [
        { soort: 'T', atMs: at('2022-11-01', '10:00'), state: { type: 'PWU', pwu: bijstand } },
        { soort: 'W', atMs: at('2024-07-02', '08:45'), state: { type: 'PWU', pwu: { ...bijstand, datumEinde: '2024-06-30', redenBeeindiging: 'WA' } } },
      ],
    },
    {
      key: { type: 'RIV', identificatie: '0321-RV-2025-000093', sleutel: 'RV000093', gemeentecode: '0321' }, person: 'P4', client: client(P4),
      mutations: [
        { soort: 'T', atMs: at('2025-04-01', '14:20'), state: { type: 'RIV', riv: p4Application } },
        { soort: 'W', atMs: at('2025-04-15', '11:05'), state: { type: 'RIV', riv: { ...p4Application, besluit: 'TOEGEKEND', datumBesluit: '2025-04-14', datumAanvang: '2025-05-01' } } },
      ],
    },
  ];
}

/** The cast objects a partner serves: only persons of its own gemeenten (spec §9). */
export function castPlans(partnerId: string): ObjectPlan[] {
  if (partnerId === 'gem-utrecht') return [...p1Plans(), ...utrechtOthers()];
  if (partnerId === 'uo-wil-lekstroom') return wilPlans();
  return [];
}

/** Which cast persons a partner serves. */
export function castPersonsOf(partnerId: string): readonly string[] {
  return [...new Set(castPlans(partnerId).map((plan) => plan.person))];
}
