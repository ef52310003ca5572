import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { EdgeContext } from '@werkbrug/connector/connector.js';
import { Pseudonymiser } from '@werkbrug/stages/pseudonymise.js';
import { draftRecordSchema } from '@werkbrug/trajectory/trajectory-record.js';
import { mapPlacement } from './mapping.js';
import type { Placement } from './source-schema.js';

const pseudonymiser = new Pseudonymiser({ keyId: 'test', key: randomBytes(32) });
const context: EdgeContext = {
  partnerId: '__name__-test', regionCode: 'AM13', pseudonymiser, keepBirthYear: false,
  regionOfGemeente: () => undefined, gemeenteCodeOfName: () => undefined,
};
const placement: Placement = {
  id: 'pl-1', version: '2', updatedAt: '2026-03-01T09:00:00+01:00', bsn: '999 990 019', name: 'Sanne de Vries', birthDate: '1991-06-14',
  street: 'Oudegracht 231', employerName: 'Bakkerij De Korenaar', startDate: '2025-06-01', hoursPerWeek: 24, note: 'vrije tekst',
};

describe('mapPlacement', () => {
  it('maps a placement to an employment draft with a pseudonymised person and nothing in clear', () => {
    const draft = mapPlacement(placement, context);
    expect(draftRecordSchema.safeParse(draft).success).toBe(true);
    expect(draft).toMatchObject({
      record_kind: 'employment',
      person: pseudonymiser.person('999990019'),
      subject: { as_of: '2025-06-01', age_band: 'A27_34' },
      source: { record_ref: '__name__-test:placement/pl-1/_history/2', record_key: '__name__-test:placement/pl-1', version: '2', modified_at: '2026-03-01T08:00:00Z' },
      employment: { start_date: '2025-06-01', relation: 'employee', competitive: 'yes', hours_band: 'H20_31' },
    });
    expect(JSON.stringify(draft)).not.toMatch(/999990019|Sanne|Oudegracht|Korenaar|1991-06-14|vrije tekst/);
  });

  it.each([
    ['no BSN', { bsn: undefined }, 'bsn-missing', 'bsn'],
    ['a BSN failing the 11-proef', { bsn: '999990010' }, 'bsn-invalid', 'bsn'],
    ['no start date', { startDate: undefined }, 'required-missing', 'startDate'],
    ['an impossible start date', { startDate: '2025-02-30' }, 'invalid-date', 'startDate'],
    ['an end before the start', { endDate: '2025-05-01' }, 'invalid-period', 'endDate'],
  ] as const)('refuses %s with its reason and field', (_name, change, reason, field) => {
    expect(mapPlacement({ ...placement, ...change }, context)).toMatchObject({ reason, field });
  });
});
