import { describe, expect, it } from 'vitest';
import { ageBand, birthYear } from '../../src/stages/age-band.js';

describe('ageBand', () => {
  it.each([
    // Whole dates: the band changes on the birthday, not the day before.
    ['1991-06-14', '2025-06-13', 'A27_34'],
    ['1991-06-14', '2025-06-14', 'A27_34'],
    ['1990-06-14', '2025-06-13', 'A27_34'],
    ['1990-06-14', '2025-06-14', 'A35_44'],
    ['2009-01-01', '2025-01-01', 'A16_26'],
    ['2009-01-02', '2025-01-01', 'UNKNOWN'],
    ['1998-06-30', '2025-06-30', 'A27_34'],
  ])('born %s, on %s → %s', (birth, on, band) => {
    expect(ageBand(birth, on)).toBe(band);
  });

  it.each([
    ['1991', '2025-02-03', 'A27_34'],
    ['1991-06', '2025-02-03', 'A27_34'],
    // E15: a partial date whose range straddles a boundary cannot be banded.
    ['1998', '2025-06-15', 'UNKNOWN'],
    ['1998-06', '2025-06-15', 'UNKNOWN'],
    // Everyone born in June 1998 is 27 on 30 June 2025 (June has 30 days).
    ['1998-06', '2025-06-30', 'A27_34'],
    ['1998-02', '2025-02-28', 'A27_34'],
    ['1960', '2025-01-01', 'A55_PLUS'],
  ])('partial birth date %s on %s → %s', (birth, on, band) => {
    expect(ageBand(birth, on)).toBe(band);
  });

  it.each([[undefined], ['14-06-1991'], ['${DATE, T, D, -20}'], ['']])('gives UNKNOWN for birth date %j', (birth) => {
    expect(ageBand(birth, '2025-01-01')).toBe('UNKNOWN');
  });

  it('gives UNKNOWN under 16, which is outside every band', () => {
    expect(ageBand('2015-05-05', '2025-06-01')).toBe('UNKNOWN');
  });
});

describe('birthYear', () => {
  it.each([
    ['1991-06-14', 1991],
    ['1991-06', 1991],
    ['1991', 1991],
    [undefined, undefined],
  ])('%j → %j', (birth, year) => {
    expect(birthYear(birth)).toBe(year);
  });
});
