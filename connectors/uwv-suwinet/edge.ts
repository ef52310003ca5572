import type { EdgeContext, EdgeOutput, EdgeRecord, PersonSnapshot, Rejection, SourcePage } from '../../src/connector/connector.js';
import { normaliseBsn } from '../../src/stages/bsn.js';
import type { PersonItem, ServiceAnswer } from './item.js';
import { mapInkomstenverhouding } from './mapping/inkomstenverhouding.js';
import type { RelationOutcome } from './mapping/outcome.js';
import { answerKey, refOf } from './mapping/source-ref.js';
import { mapUitkeringsverhouding } from './mapping/uitkeringsverhouding.js';

/**
 * `Connector.edge` for UWV: per person, pure. The BSN is checked and pseudonymised; each relation
 * of each answer becomes records, one rejection, or is dropped (absorbed), so the run balance
 * closes; an answer about another BSN (U03) is one `bsn-mismatch` rejection and nothing else.
 * Each answered service (data or NietsGevonden) gives one snapshot (trajectory format §4, rule 7):
 * inkomsten for the delivered period (U17), werknemersverzekeringen for the asked one. A refused or
 * failed service gives none, so the stored data of that person stay as they are.
 *
 * `personCounts` has exactly one of `answered`, `not-found`, `refused-by-uwv`, `request-rejected`,
 * `failed`, `bsn-mismatch` per person asked, plus `warnings` (+ `warning-<code>`), `warning-namespace`
 * (U16c), `relates-to-mismatch` (U04) and `other-cdsrtikv-<code>`/`other-cdszwet-<code>` (U12):
 * numbers only, never who.
 */
export const PERSON_OUTCOMES = ['answered', 'not-found', 'refused-by-uwv', 'request-rejected', 'failed', 'bsn-mismatch'] as const;

function outcomeOf(item: PersonItem): (typeof PERSON_OUTCOMES)[number] {
  const kinds = [item.ikv.kind, item.wv.kind];
  if (kinds.includes('bsn-mismatch')) return 'bsn-mismatch';
  if (kinds.includes('failed')) return 'failed';
  if (kinds.includes('request-rejected')) return 'request-rejected';
  if (kinds.includes('refused')) return 'refused-by-uwv';
  if (kinds.every((kind) => kind === 'not-found')) return 'not-found';
  return 'answered';
}

export function uwvEdge(page: SourcePage<PersonItem>, context: EdgeContext): EdgeOutput {
  const records: EdgeRecord[] = [];
  const rejections: Rejection[] = [];
  const snapshots: PersonSnapshot[] = [];
  const counts: Record<string, number> = { asked: 0 };
  const count = (key: string, by = 1) => {
    counts[key] = (counts[key] ?? 0) + by;
  };
  let absorbed = 0;
  for (const item of page.items) {
    count('asked');
    const bsn = normaliseBsn(item.bsn);
    // The core hands checked BSNs; one that is not is never pseudonymised or kept.
    if (!bsn.ok) {
      count('failed');
      continue;
    }
    count(outcomeOf(item));
    if (item.discardedAnswers > 0) count('relates-to-mismatch', item.discardedAnswers);
    const person = context.pseudonymiser.person(bsn.bsn);
    const services = [
      { answer: item.ikv, prefix: 'ikv' as const, period: item.ikv.kind === 'client' && item.ikv.delivered ? item.ikv.delivered : item.period },
      { answer: item.wv, prefix: 'uv' as const, period: item.period },
    ];
    for (const { answer, prefix, period } of services) {
      if (answer.kind === 'bsn-mismatch') {
        const key = answerKey(context.partnerId, prefix, context.pseudonymiser, bsn.bsn, `${prefix}-answer`);
        rejections.push({ sourceRef: refOf(key, period.to), stage: 'validate', reason: 'bsn-mismatch', field: 'ClientSuwi.Burgerservicenr', expected: 'the BSN asked about' });
        continue;
      }
      if (answer.kind !== 'client' && answer.kind !== 'not-found') continue;
      const keys: string[] = [];
      let incomplete = false;
      if (answer.kind === 'client') {
        for (const outcome of mapAnswer(answer, prefix, { partnerId: context.partnerId, pseudonymiser: context.pseudonymiser, item, bsn: bsn.bsn, person, period })) {
          records.push(...outcome.records);
          if (outcome.rejection) {
            rejections.push(outcome.rejection);
            incomplete = true;
          }
          // A relation accounts for all its parts (U08): parts it did not become are absorbed.
          absorbed += outcome.parts - outcome.records.length - (outcome.rejection ? 1 : 0);
          keys.push(...outcome.keys);
          for (const key of outcome.counts) count(key);
        }
        for (const code of answer.warnings) {
          count('warnings');
          count(`warning-${code.toLowerCase()}`);
        }
        if (answer.namespaceWarning) count('warning-namespace');
      }
      // A relation that could not be read this time may be one that is stored under another key
      // (its parts, or a key it had when readable): no snapshot then, so nothing is removed only
      // because a version was unreadable (brief, invariant 5). The stored rows stay as they were.
      if (incomplete) {
        count('snapshot-withheld');
        continue;
      }
      snapshots.push({ person, keyPrefix: `${context.partnerId}:${prefix}/`, period: { from: period.from, to: period.to }, recordKeys: keys });
    }
  }
  return { records, rejections, absorbed, snapshots, personCounts: counts };
}

interface AnswerInput {
  readonly partnerId: string;
  readonly pseudonymiser: EdgeContext['pseudonymiser'];
  readonly item: PersonItem;
  readonly bsn: string;
  readonly person: string;
  readonly period: { readonly from: string; readonly to: string };
}

function mapAnswer(answer: Extract<ServiceAnswer, { kind: 'client' }>, prefix: 'ikv' | 'uv', input: AnswerInput): RelationOutcome[] {
  const { pseudonymiser } = input;
  const ns = answer.childNs;
  const base = { partnerId: input.partnerId, pseudonymiser, bsn: input.bsn, person: input.person, ns };
  if (prefix === 'ikv') {
    return answer.client.children
      .filter((c) => c.ns === ns && c.local === 'Inkomstenverhouding')
      .map((element, index) => mapInkomstenverhouding(element, { ...base, index, period: input.period, delivered: answer.delivered !== undefined }));
  }
  return answer.client.children
    .filter((c) => c.ns === ns && c.local === 'Uitkeringsverhouding')
    .map((element, index) => mapUitkeringsverhouding(element, { ...base, index, period: input.period, benefitOfSzWet: input.item.benefitOfSzWet }));
}
