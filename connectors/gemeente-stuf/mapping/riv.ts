import type { DraftRecord } from '../../../src/trajectory/trajectory-record.js';
import type { RivFields } from '../source-schema.js';
import { valueOf } from '../source-schema.js';
import { financieringCodes, redenBeeindigingCodes, typeVoorzieningCodes, unmappedCodeCounter } from './codes.js';
import { stufDate } from './dates.js';
import { isRefusal, refuse, type Refusal } from './refusal.js';

/**
 * RIV → `trajectory` (spec §3.4, §5), the funder's side of a trajectory: programme `IPS` when
 * `indicatieIps` is `J` or the type is `IPS`, else `OTHER`; no `provider_partner_id` (the gemeente
 * funds, it does not deliver); the funding stream of §5.2; events `FUNDING_REQUESTED`
 * (`datumAanvraag`) and `FUNDING_GRANTED`/`FUNDING_REFUSED` (`datumBesluit` with `besluit`); the
 * start is `datumAanvang`, except for a refused application, which never started; an end needs an
 * end code (§5.3, nil → `END_UNKNOWN`). `as_of` is the start, else the decision, else the
 * application date. `doel`, `verwijzer` and `kenmerkVerwijzing` have no field in the trajectory
 * format and are not carried.
 */
export type TrajectoryPayload = NonNullable<DraftRecord['trajectory']>;

export interface RivMapping {
  readonly trajectory: TrajectoryPayload;
  readonly asOf: string;
  readonly counters: Readonly<Record<string, number>>;
}

export function mapRiv(riv: RivFields): RivMapping | Refusal {
  const type = valueOf(riv.typeVoorziening);
  if (type === undefined) return refuse('required-missing', 'typeVoorziening', `one of ${typeVoorzieningCodes.join(', ')}`);
  if (!(typeVoorzieningCodes as readonly string[]).includes(type)) return refuse('unknown-code', 'typeVoorziening', `one of ${typeVoorzieningCodes.join(', ')}`);
  const ips = valueOf(riv.indicatieIps);
  if (ips !== undefined && ips !== 'J' && ips !== 'N') return refuse('unknown-code', 'indicatieIps', 'J or N');
  const besluit = valueOf(riv.besluit);
  if (besluit !== undefined && besluit !== 'TOEGEKEND' && besluit !== 'AFGEWEZEN') return refuse('unknown-code', 'besluit', 'TOEGEKEND or AFGEWEZEN');

  const counters: Record<string, number> = {};
  const financiering = valueOf(riv.financiering);
  let funding: TrajectoryPayload['funding_stream'] = 'UNKNOWN';
  if (financiering !== undefined) {
    const mapped = financieringCodes[financiering];
    funding = mapped ?? 'OTHER';
    if (mapped === undefined) counters[unmappedCodeCounter('financiering', financiering)] = 1;
  }

  const aanvraag = stufDate(riv.datumAanvraag, 'start', 'datumAanvraag');
  if (isRefusal(aanvraag)) return aanvraag;
  const besluitDatum = stufDate(riv.datumBesluit, 'start', 'datumBesluit');
  if (isRefusal(besluitDatum)) return besluitDatum;
  const aanvang = stufDate(riv.datumAanvang, 'start', 'datumAanvang');
  if (isRefusal(aanvang)) return aanvang;
  const einde = stufDate(riv.datumEinde, 'end', 'datumEinde');
  if (isRefusal(einde)) return einde;

  const start = besluit === 'AFGEWEZEN' ? undefined : aanvang;
  if (einde !== undefined && start !== undefined && einde < start) return refuse('invalid-period', 'datumEinde', 'an end on or after datumAanvang');
  let endCode: TrajectoryPayload['end_code'];
  if (einde !== undefined) {
    const reden = valueOf(riv.redenBeeindiging);
    endCode = reden === undefined ? 'END_UNKNOWN' : redenBeeindigingCodes[reden];
    if (endCode === undefined) return refuse('unknown-code', 'redenBeeindiging', `one of ${Object.keys(redenBeeindigingCodes).join(', ')}`);
  }

  const events: NonNullable<TrajectoryPayload['events']>[number][] = [];
  if (aanvraag !== undefined) events.push({ code: 'FUNDING_REQUESTED', date: aanvraag });
  if (besluit !== undefined && besluitDatum !== undefined) events.push({ code: besluit === 'TOEGEKEND' ? 'FUNDING_GRANTED' : 'FUNDING_REFUSED', date: besluitDatum });
  const asOf = start ?? besluitDatum ?? aanvraag;
  if (asOf === undefined) return refuse('required-missing', 'datumAanvang', 'datumAanvang, datumBesluit or datumAanvraag');
  const trajectory: TrajectoryPayload = {
    programme: ips === 'J' || type === 'IPS' ? 'IPS' : 'OTHER',
    funding_stream: funding,
    ...(start !== undefined ? { start_date: start } : {}),
    ...(einde !== undefined && endCode !== undefined ? { end_date: einde, end_code: endCode } : {}),
    ...(events.length > 0 ? { events } : {}),
  };
  return { trajectory, asOf, counters };
}
