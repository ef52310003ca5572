import { describe, expect, it } from 'vitest';
import type { ConsentDocument } from '../../src/consent/consent-document.js';
import { findWithdrawals, nothingRemainsPossible } from '../../src/privacy/erasure-decision.js';
import { consentDocument, lotte, type ConsentSpec } from './erasure-fixtures.js';

/** Which refusals are a withdrawal (pure): the table of docs/privacy/erasure-and-retention.md §1. */
const clock = { today: '2025-06-02', now: '2025-06-02T07:00:00Z', maxWaitDays: 30 };
const given: ConsentSpec = { who: lotte, id: 'cns-3', version: 1 };
const both = ['P_MONITOR_REGIO', 'P_VERANTWOORDING_COFIN'];

function decide(before: readonly ConsentDocument[], after: readonly ConsentDocument[], carried: readonly string[] = both) {
  return findWithdrawals({ carried: new Map([[lotte, carried]]), before: new Map([[lotte, before]]), after: new Map([[lotte, after]]), ...clock })
    .map((w) => `${w.purpose}:${w.rule}`);
}

const v1 = consentDocument(given);
const v2 = (spec: Partial<ConsentSpec>): ConsentDocument => consentDocument({ ...given, version: 2, ...spec });

describe('findWithdrawals', () => {
  it.each([
    ['status inactive', v2({ status: 'inactive' }), 'CR07-withdrawn'],
    ['status rejected', v2({ status: 'rejected' }), 'CR06-rejected'],
    ['entered in error', v2({ status: 'entered-in-error' }), 'CR16-entered-in-error'],
    ['deleted at the source', v2({ status: 'deleted' }), 'CR19-deleted-at-source'],
    ['the period end moved before today', v2({ periodEnd: '2025-05-31' }), 'CR08-expired'],
  ])('is a withdrawal of every carried purpose when the consent is %s', (_, after, rule) => {
    expect(decide([v1], [after])).toEqual([`P_MONITOR_REGIO:${rule}`, `P_VERANTWOORDING_COFIN:${rule}`]);
  });

  it('is a withdrawal of one purpose when a new version no longer names it, or a newer deny names it', () => {
    expect(decide([v1], [v2({ purposes: ['P_MONITOR_REGIO'] })])).toEqual(['P_VERANTWOORDING_COFIN:CR11-other-purpose']);
    const deny = consentDocument({ who: lotte, id: 'cns-4', version: 1, type: 'deny', purposes: ['P_MONITOR_REGIO'], recordedAt: '2025-06-01T10:00:00Z' });
    expect(decide([v1], [v1, deny])).toEqual(['P_MONITOR_REGIO:CR05-deny']);
  });

  it('is no withdrawal when the consent ended at its planned end: the state before refused already', () => {
    const ended = consentDocument({ ...given, periodEnd: '2025-05-15' });
    expect(decide([ended], [ended])).toEqual([]);
    expect(decide([ended], [{ ...ended, version: '2', lastUpdated: '2025-06-01T09:00:00Z' }])).toEqual([]);
  });

  it('is no withdrawal while a consent cannot be read, or only waits', () => {
    expect(decide([v1], [{ ...v2({}), understood: false }])).toEqual([]);
    expect(decide([v1], [v2({ periodStart: '2025-07-01' })])).toEqual([]);
  });

  it('looks only at the purposes the rows carry, and ignores a code that is no purpose', () => {
    expect(decide([v1], [v2({ status: 'inactive' })], ['P_VERANTWOORDING_COFIN', 'P_UNKNOWN'])).toEqual(['P_VERANTWOORDING_COFIN:CR07-withdrawn']);
    expect(decide([v1], [v2({ status: 'inactive' })], [])).toEqual([]);
  });
});

describe('nothingRemainsPossible', () => {
  it('is true only when every region purpose is refused', () => {
    const purposes = ['P_MONITOR_REGIO', 'P_VERANTWOORDING_COFIN'] as const;
    expect(nothingRemainsPossible(purposes, [v2({ status: 'inactive' })], clock)).toBe(true);
    expect(nothingRemainsPossible(purposes, [v2({ purposes: ['P_MONITOR_REGIO'] })], clock)).toBe(false);
    expect(nothingRemainsPossible(purposes, [v2({ periodStart: '2025-07-01' })], clock)).toBe(false);
  });
});
