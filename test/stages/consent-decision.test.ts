import { describe, expect, it } from 'vitest';
import type { ConsentDocument } from '../../src/consent/consent-document.js';
import { amsterdamDate, decideConsent, decideRecord, type DecisionInput } from '../../src/stages/consent-decision.js';

const person = 'ps1:demo-2025a:XuMQoqt-bILMfGaje43cbw8CBryttzBp1TFELz-fsoA';
const now = '2025-06-02T07:00:00Z';
const today = '2025-06-02';

function doc(overrides: Partial<ConsentDocument> = {}): ConsentDocument {
  return {
    consentKey: 'ggz-altrecht:Consent/cns-1',
    consentRef: 'ggz-altrecht:Consent/cns-1/_history/1',
    version: '1',
    person,
    status: 'active',
    recordedAt: '2025-01-20T10:32:00Z',
    lastUpdated: '2025-01-20T10:35:02Z',
    understood: true,
    regionAllowed: true,
    actionAllowed: true,
    provision: { type: 'permit', purposes: ['P_MONITOR_REGIO', 'P_VERANTWOORDING_COFIN'], periodStart: '2025-01-20', periodEnd: '2027-01-19' },
    exceptions: [],
    form: 'written',
    ...overrides,
  };
}

function input(documents: readonly ConsentDocument[], overrides: Partial<DecisionInput> = {}): DecisionInput {
  return { purpose: 'P_MONITOR_REGIO', lookup: { kind: 'found', documents }, today, now, waitingSince: now, maxWaitDays: 30, ...overrides };
}

describe('decideConsent', () => {
  const cases: Array<[string, DecisionInput, { outcome: string; rule: string }]> = [
    ['an active consent for the purpose within its period', input([doc()]), { outcome: 'permit', rule: 'CR04-permit' }],
    ['the consent source could not be read', input([], { lookup: { kind: 'unreachable' } }), { outcome: 'pending', rule: 'CR01-source-unreachable' }],
    ['no consent document yet', input([]), { outcome: 'pending', rule: 'CR02-awaiting-consent' }],
    ['no consent document after the waiting time', input([], { waitingSince: '2025-04-01T00:00:00Z' }), { outcome: 'refuse', rule: 'CR03-no-consent-after-wait' }],
    ['consent for another purpose only', input([doc({ provision: { type: 'permit', purposes: ['P_WETENSCHAP'] } })]), { outcome: 'refuse', rule: 'CR11-other-purpose' }],
    ['status rejected', input([doc({ status: 'rejected' })]), { outcome: 'refuse', rule: 'CR06-rejected' }],
    ['status rejected naming no purpose', input([doc({ status: 'rejected', provision: undefined })]), { outcome: 'refuse', rule: 'CR06-rejected' }],
    ['status inactive (withdrawn)', input([doc({ status: 'inactive' })]), { outcome: 'refuse', rule: 'CR07-withdrawn' }],
    ['the period ended last month', input([doc({ provision: { type: 'permit', purposes: ['P_MONITOR_REGIO'], periodStart: '2024-01-01', periodEnd: '2025-05-01' } })]), { outcome: 'refuse', rule: 'CR08-expired' }],
    ['the period starts next month', input([doc({ provision: { type: 'permit', purposes: ['P_MONITOR_REGIO'], periodStart: '2025-07-01' } })]), { outcome: 'pending', rule: 'CR09-not-yet-valid' }],
    ['a nested deny carves the purpose out', input([doc({ exceptions: [{ type: 'deny', purposes: ['P_MONITOR_REGIO'] }] })]), { outcome: 'refuse', rule: 'CR10-carve-out' }],
    ['another region is the recipient', input([doc({ regionAllowed: false })]), { outcome: 'refuse', rule: 'CR12-other-recipient' }],
    ['the action is not disclosure', input([doc({ actionAllowed: false })]), { outcome: 'refuse', rule: 'CR13-no-disclose' }],
    ['a consent that could not be understood', input([doc(), doc({ consentKey: 'k2', consentRef: 'k2/1', understood: false })]), { outcome: 'refuse', rule: 'CR14-not-understood' }],
    ['a draft consent only', input([doc({ status: 'draft' })]), { outcome: 'pending', rule: 'CR17-draft-only' }],
    ['the consent was entered in error', input([doc({ status: 'entered-in-error' })]), { outcome: 'refuse', rule: 'CR16-entered-in-error' }],
    ['the consent was deleted at the source', input([doc({ status: 'deleted' })]), { outcome: 'refuse', rule: 'CR19-deleted-at-source' }],
  ];

  for (const [situation, given, expected] of cases) {
    it(`when ${situation}: ${expected.outcome} by ${expected.rule}`, () => {
      const decision = decideConsent(given);
      expect({ outcome: decision.outcome, rule: decision.rule }).toEqual(expected);
    });
  }

  describe('when several consents name the purpose', () => {
    it('lets the most recent one decide: a newer deny beats an older permit', () => {
      const newerDeny = doc({ consentKey: 'k2', consentRef: 'k2/1', recordedAt: '2025-03-01T10:00:00Z', provision: { type: 'deny', purposes: ['P_MONITOR_REGIO'] } });
      expect(decideConsent(input([doc(), newerDeny])).rule).toBe('CR05-deny');
    });

    it('lets a newer permit beat an older deny', () => {
      const olderDeny = doc({ consentKey: 'k2', consentRef: 'k2/1', recordedAt: '2024-03-01T10:00:00Z', provision: { type: 'deny', purposes: 'all' } });
      expect(decideConsent(input([doc(), olderDeny])).outcome).toBe('permit');
    });

    it('refuses when a permit and a deny carry the same timestamps', () => {
      const sameTimeDeny = doc({ consentKey: 'k2', consentRef: 'k2/1', provision: { type: 'deny', purposes: ['P_MONITOR_REGIO'] } });
      expect(decideConsent(input([doc(), sameTimeDeny])).rule).toBe('CR15-tie-deny');
    });

    it('names the consent it rests on when it permits', () => {
      const decision = decideConsent(input([doc()]));
      expect(decision.outcome === 'permit' && decision.consentRef).toBe('ggz-altrecht:Consent/cns-1/_history/1');
    });
  });
});

describe('decideRecord', () => {
  it('stores for the permitted purposes only (cast person P2)', () => {
    const monitorOnly = doc({ provision: { type: 'permit', purposes: ['P_MONITOR_REGIO'] } });
    const decision = decideRecord(['P_MONITOR_REGIO', 'P_VERANTWOORDING_COFIN'], { ...input([monitorOnly]) });
    expect(decision.outcome).toBe('permit');
    expect(decision.permitted).toEqual(['P_MONITOR_REGIO']);
    expect(decision.perPurpose[1]?.decision.rule).toBe('CR11-other-purpose');
  });

  it('waits when no purpose is permitted and one may still be', () => {
    expect(decideRecord(['P_MONITOR_REGIO'], { ...input([]) }).outcome).toBe('pending');
  });

  it('refuses when every purpose is refused', () => {
    expect(decideRecord(['P_MONITOR_REGIO', 'P_VERANTWOORDING_COFIN'], { ...input([doc({ status: 'rejected' })]) }).outcome).toBe('refuse');
  });
});

describe('amsterdamDate', () => {
  it('gives the Amsterdam calendar date of an instant late in the UTC day', () => {
    expect(amsterdamDate(new Date('2025-06-01T22:30:00Z'))).toBe('2025-06-02');
    expect(amsterdamDate(new Date('2025-01-01T22:59:59Z'))).toBe('2025-01-01');
  });
});
