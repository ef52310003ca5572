import { describe, expect, it } from 'vitest';
import { holdsNineDigitRun, Pseudonymiser } from '../../src/stages/pseudonymise.js';
import { pseudonymSchema } from '../../src/trajectory/trajectory-record.js';

// trajectory-format.md §2: key bytes 00..1f, key id demo-2025a.
const demoKey = { keyId: 'demo-2025a', key: Buffer.from(Array.from({ length: 32 }, (_, i) => i)) };

describe('Pseudonymiser.person', () => {
  it('gives the published test vector for BSN 999993653', () => {
    expect(new Pseudonymiser(demoKey).person('999993653')).toBe('ps1:demo-2025a:XuMQoqt-bILMfGaje43cbw8CBryttzBp1TFELz-fsoA');
  });

  it('gives the same pseudonym for the same BSN and another for another BSN', () => {
    const p = new Pseudonymiser(demoKey);
    expect(p.person('999990019')).toBe(p.person('999990019'));
    expect(p.person('999990019')).not.toBe(p.person('999990032'));
  });

  it('gives another pseudonym under another key, named by its key id', () => {
    const other = new Pseudonymiser({ keyId: 'mu-2025b', key: Buffer.alloc(32, 7) });
    const value = other.person('999993653');
    expect(value.startsWith('ps1:mu-2025b:')).toBe(true);
    expect(value.split(':')[2]).not.toBe('XuMQoqt-bILMfGaje43cbw8CBryttzBp1TFELz-fsoA');
  });

  it('always yields a value the trajectory schema accepts', () => {
    const p = new Pseudonymiser(demoKey);
    for (const bsn of ['999990019', '010000021', '999990111', '999993653']) expect(pseudonymSchema.safeParse(p.person(bsn)).success).toBe(true);
  });
});

describe('Pseudonymiser construction', () => {
  it.each([
    ['an upper-case key id', { keyId: 'Demo', key: Buffer.alloc(32) }],
    ['a key id ending in -', { keyId: 'demo-', key: Buffer.alloc(32) }],
    ['a key id of 33 characters', { keyId: 'a'.repeat(33), key: Buffer.alloc(32) }],
    ['a key of 31 bytes', { keyId: 'demo', key: Buffer.alloc(31) }],
  ])('refuses %s', (_name, key) => {
    expect(() => new Pseudonymiser(key)).toThrow(TypeError);
  });

  it('keeps its own copy of the key, so changing the caller buffer changes nothing', () => {
    const bytes = Buffer.from(demoKey.key);
    const p = new Pseudonymiser({ keyId: 'demo-2025a', key: bytes });
    bytes.fill(0);
    expect(p.person('999993653')).toBe('ps1:demo-2025a:XuMQoqt-bILMfGaje43cbw8CBryttzBp1TFELz-fsoA');
  });
});

describe('Pseudonymiser.referenceHash and employerKey', () => {
  it('are h1-/em1- plus 22 base64url characters, stable and partner-bound', () => {
    const p = new Pseudonymiser(demoKey);
    const ref = p.referenceHash('uwv', '999990019');
    expect(ref).toMatch(/^h1-[A-Za-z0-9_-]{22}$/);
    expect(p.referenceHash('uwv', '999990019')).toBe(ref);
    expect(p.referenceHash('ggz-altrecht', '999990019')).not.toBe(ref);
    expect(p.employerKey('123456789L01')).toMatch(/^em1:[A-Za-z0-9_-]{22}$/);
  });
});

describe('holdsNineDigitRun', () => {
  it.each([
    ['999990019', true],
    ['VW-999990019', true],
    ['VW-999990019-a', true],
    ['sr-20250114-0042', false],
    ['1234567890', false],
    ['12345678', false],
    ['pat-0001', false],
  ])('%s → %s', (value, expected) => {
    expect(holdsNineDigitRun(value)).toBe(expected);
  });
});
