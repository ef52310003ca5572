import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { EdgeContext, EdgeOutput, EdgeRecord, Rejection, SourcePage } from '../../src/connector/connector.js';
import { draftRecordSchema, type DraftRecord } from '../../src/trajectory/trajectory-record.js';
import type { StufItem } from './item.js';
import { readPerson, subjectOf } from './mapping/client.js';
import { mapLks } from './mapping/lks.js';
import { mapPwu } from './mapping/pwu.js';
import { isRefusal, refuse, type Refusal } from './mapping/refusal.js';
import { mapRiv } from './mapping/riv.js';
import { recordKeyOf, sourceOf } from './mapping/source-ref.js';
import { readClient, readKeys, readLks, readPwu, readRiv, valueOf } from './source-schema.js';
import type { Entiteittype } from './stuf-names.js';

/**
 * `Connector.edge` for a gemeente: per `PW:object`, pure, parse → validate → pseudonymise +
 * minimise → draft. Every item ends as exactly one record, one rejection or one absorbed
 * duplicate, so the run balance closes. A `V` becomes a tombstone (no person, subject or payload);
 * a T or W becomes a `trajectory` (RIV), `benefit` (PWU) or `employment` (LKS). Checks, in order:
 * keys, the gemeente (outside the region → `outside-region`, G14), the BSN, the type's elements.
 * Wire codes mapped to `OTHER` are counted in `personCounts` by code (never by person).
 */
export const recordKindOf = { RIV: 'trajectory', PWU: 'benefit', LKS: 'employment' } as const satisfies Record<Entiteittype, DraftRecord['record_kind']>;

const compiledDraftSchema = z.compile(draftRecordSchema);

interface Outcome {
  readonly record?: EdgeRecord;
  readonly rejection?: Rejection;
  readonly absorbed?: true;
  readonly counters?: Readonly<Record<string, number>>;
}

export function gemeenteEdge(page: SourcePage<StufItem>, context: EdgeContext): EdgeOutput {
  const records: EdgeRecord[] = [];
  const rejections: Rejection[] = [];
  const counters: Record<string, number> = {};
  let absorbed = 0;
  const seen = new Map<string, { readonly item: StufItem; hash?: string }>();
  for (const item of page.items) {
    const outcome = edgeItem(item, context, seen);
    if (outcome.absorbed) absorbed += 1;
    else if (outcome.record) records.push(outcome.record);
    else if (outcome.rejection) rejections.push(outcome.rejection);
    for (const [key, n] of Object.entries(outcome.counters ?? {})) counters[key] = (counters[key] ?? 0) + n;
  }
  return { records, rejections, absorbed, ...(Object.keys(counters).length > 0 ? { personCounts: counters } : {}) };
}

function hashOf(item: StufItem): string {
  return createHash('sha256').update(JSON.stringify(item.object)).digest('hex');
}

function edgeItem(item: StufItem, context: EdgeContext, seen: Map<string, { readonly item: StufItem; hash?: string }>): Outcome {
  const type = item.stream;
  const keys = readKeys(item.object);
  const identificatie = valueOf(keys.identificatie);
  const numberText = valueOf(keys.mutatievolgnummer);
  const n = numberText !== undefined && /^[0-9]{1,15}$/.test(numberText) && Number(numberText) > 0 ? Number(numberText) : undefined;
  const key = recordKeyOf(context.partnerId, type, identificatie ?? 'unidentified', context.pseudonymiser);
  const reject = (sourceRef: string, refusal: Refusal): Outcome => ({ rejection: { sourceRef, ...refusal, field: refusal.field.slice(0, 200), expected: refusal.expected.slice(0, 300) } });
  if (n === undefined) return reject(key, refuse('required-missing', 'mutatievolgnummer', 'a positive whole number', 'parse'));
  const ref = `${key}/mut/${n}`;
  if (identificatie === undefined || identificatie.length > 40) return reject(ref, refuse('required-missing', 'identificatie', 'the suite\'s number of the object (at most 40 characters)', 'parse'));
  if (keys.entiteittype !== undefined && keys.entiteittype !== type) return reject(ref, refuse('unknown-code', 'StUF:entiteittype', `${type} (the stream asked)`, 'parse'));

  // The same number twice on one page is stored once (G09); with other content it is a conflict.
  const prior = seen.get(ref);
  if (prior) {
    prior.hash ??= hashOf(prior.item);
    return prior.hash === hashOf(item) ? { absorbed: true } : reject(ref, refuse('version-conflict', 'mutatievolgnummer', 'one content per mutatievolgnummer', 'parse'));
  }
  seen.set(ref, { item });

  const source = sourceOf(context.partnerId, type, identificatie, n, context.pseudonymiser);
  const soort = valueOf(keys.mutatiesoort);
  if (soort === 'V') return finish({ record_kind: recordKindOf[type], source: { ...source, deleted: true } }, ref);
  if (soort !== 'T' && soort !== 'W') return reject(ref, refuse('unknown-code', 'mutatiesoort', 'T, W or V', 'parse'));

  const gemeente = valueOf(keys.gemeentecode);
  if (gemeente === undefined) return reject(ref, refuse('required-missing', 'gemeentecode', 'the CBS gemeentecode of the client'));
  if (!/^[0-9]{4}$/.test(gemeente)) return reject(ref, refuse('invalid-value', 'gemeentecode', 'a 4-digit CBS gemeentecode'));
  if (context.regionOfGemeente(gemeente) !== context.regionCode) return reject(ref, refuse('outside-region', 'gemeentecode', `a gemeente of arbeidsmarktregio ${context.regionCode}`));

  const person = readPerson(readClient(item.object), context);
  if (isRefusal(person)) return reject(ref, person);
  const mapped = mapType(item, context);
  if (isRefusal(mapped)) return reject(ref, mapped);
  const draft: DraftRecord = { record_kind: recordKindOf[type], person: person.person, subject: subjectOf(person, mapped.asOf, gemeente, context), source, ...mapped.payload };
  return { ...finish(draft, ref), counters: mapped.counters };
}

interface Mapped {
  readonly payload: Pick<DraftRecord, 'trajectory' | 'benefit' | 'employment'>;
  readonly asOf: string;
  readonly counters: Readonly<Record<string, number>>;
}

function mapType(item: StufItem, context: EdgeContext): Mapped | Refusal {
  if (item.stream === 'RIV') {
    const riv = mapRiv(readRiv(item.object));
    return isRefusal(riv) ? riv : { payload: { trajectory: riv.trajectory }, asOf: riv.asOf, counters: riv.counters };
  }
  if (item.stream === 'PWU') {
    const pwu = mapPwu(readPwu(item.object));
    return isRefusal(pwu) ? pwu : { payload: { benefit: pwu.benefit }, asOf: pwu.asOf, counters: pwu.counters };
  }
  const lks = mapLks(readLks(item.object), context.pseudonymiser);
  return isRefusal(lks) ? lks : { payload: { employment: lks.employment }, asOf: lks.asOf, counters: {} };
}

/** Checks the draft against the trajectory format on its way out (zod's compiled fast path). */
function finish(draft: DraftRecord, ref: string): Outcome {
  const checked = compiledDraftSchema.safeParse(draft);
  if (checked.success) return { record: { draft: checked.data } };
  const issue = checked.error.issues[0];
  return { rejection: { sourceRef: ref, stage: 'map', reason: 'invalid-value', field: `draft.${(issue?.path ?? []).join('.')}`.slice(0, 200), expected: (issue?.message ?? 'a valid trajectory record').slice(0, 300) } };
}

