import { describe, expect, it } from 'vitest';
import { normaliseBsn, passesElfproef } from '../../src/stages/bsn.js';

// partners/README.md §1: the shared cast and edge cases E02–E04.
describe('normaliseBsn', () => {
  it.each([
    ['999990019', '999990019'],
    ['999990032', '999990032'],
    ['999990111', '999990111'],
    ['999993653', '999993653'],
    ['010000021', '010000021'],
    // E03: the leading zero lost in a numeric column.
    ['10000021', '010000021'],
    // E04: spaces and dots as people write them.
    ['999 990 019', '999990019'],
    ['999.990.019', '999990019'],
    [' 999990019 ', '999990019'],
  ])('accepts %j as %s', (raw, bsn) => {
    expect(normaliseBsn(raw)).toEqual({ ok: true, bsn });
  });

  it.each([
    // E02 (X1, X2), the HL7 f001 example and the all-zero value.
    ['999990010'],
    ['123456789'],
    ['738472983'],
    ['000000000'],
    ['99999001'],
    ['1000002'],
    ['9999900190'],
    ['99999001X'],
    ['999-990-019'],
  ])('refuses %j as bsn-invalid', (raw) => {
    expect(normaliseBsn(raw)).toEqual({ ok: false, reason: 'bsn-invalid' });
  });

  it.each([[undefined], [null], [''], ['   '], [' . ']])('calls %j missing', (raw) => {
    expect(normaliseBsn(raw)).toEqual({ ok: false, reason: 'bsn-missing' });
  });
});

describe('passesElfproef', () => {
  it('weighs the first eight digits 9..2 and the ninth -1', () => {
    // 9*9+9*8+9*7+9*6+9*5+0*4+0*3+1*2 - 9 = 308 = 28 * 11
    expect(passesElfproef('999990019')).toBe(true);
    expect(passesElfproef('999990018')).toBe(false);
  });

  it('only takes exactly nine digits', () => {
    expect(passesElfproef('99999001')).toBe(false);
    expect(passesElfproef('0999990019')).toBe(false);
  });
});
