import type { XmlElement } from '../../src/xml/xml-document.js';
import type { BenefitType } from './mapping/codes.js';
import { partsOf } from './mapping/inkomstenverhouding.js';

/**
 * What `pull()` hands to `edge()` for one person: the clear BSN (to check and pseudonymise; it
 * lives only in the edge process's memory and never reaches the queue), the pseudonym and period
 * the core gave, and what each service answered, already checked against the question
 * (`wsa:RelatesTo`, `ClientSuwi/Burgerservicenr`).
 */
export const personsStream = 'persons';

export interface Period {
  readonly from: string;
  readonly to: string;
}

export type ServiceAnswer =
  | {
      readonly kind: 'client';
      readonly client: XmlElement;
      /** Namespace of the answer's children: '' as the XSDs say, or the service's (U16c). */
      readonly childNs: string;
      /** `PeriodeGegevensleveringIko` (inkomsten), when given and readable. */
      readonly delivered?: Period;
      /** FWI `Waarschuwing` codes delivered with the data (U18). */
      readonly warnings: readonly string[];
      /** The children were in the service namespace, a producer bug accepted (U16c). */
      readonly namespaceWarning: boolean;
    }
  | { readonly kind: 'not-found' }
  /** `fwi:FWI/Fout` in a 200 answer: FWI0020 (not authorised for this person, U02) or another code. */
  | { readonly kind: 'refused'; readonly code: string }
  /** FWI0040/FWI0050 in the body: UWV calls the question a request bug for this person. */
  | { readonly kind: 'request-rejected'; readonly code: string }
  /** The answer is about another BSN (U03): discarded entirely. */
  | { readonly kind: 'bsn-mismatch' }
  /** Transient failure after the HTTP retries, or two answers that did not relate to the question (U04). */
  | { readonly kind: 'failed'; readonly why: 'transient' | 'relates-to' };

export interface PersonItem {
  readonly bsn: string;
  readonly pseudonym: string;
  readonly period: Period;
  readonly ikv: ServiceAnswer;
  readonly wv: ServiceAnswer;
  /** The connector's `cdSzWetMap` (the edge has no settings of its own). */
  readonly benefitOfSzWet: Readonly<Record<string, BenefitType>>;
  /** Answers discarded because `wsa:RelatesTo` did not name the question (U04), for the counts. */
  readonly discardedAnswers: number;
}

/**
 * What the answers of a person deliver, as the run balance counts it: each part of a relation
 * (`partsOf`, U08) and each entitlement becomes a record, a rejection or is absorbed; an answer
 * about another BSN is one rejection.
 */
export function relationsDelivered(item: PersonItem): number {
  const count = (answer: ServiceAnswer, local: string): number => {
    if (answer.kind === 'bsn-mismatch') return 1;
    if (answer.kind !== 'client') return 0;
    const relations = answer.client.children.filter((c) => c.local === local && c.ns === answer.childNs);
    return local === 'Inkomstenverhouding' ? relations.reduce((sum, element) => sum + partsOf(element, answer.childNs), 0) : relations.length;
  };
  return count(item.ikv, 'Inkomstenverhouding') + count(item.wv, 'Uitkeringsverhouding');
}
