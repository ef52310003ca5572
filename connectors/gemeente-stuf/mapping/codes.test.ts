import { describe, expect, it } from 'vitest';
import { unmappedCodeCounter } from './codes.js';

describe('unmappedCodeCounter', () => {
  it.each([
    ['WWB', 'unmapped-soortuitkering-wwb'],
    ['JOBCOACH', 'unmapped-soortuitkering-jobcoach'],
    // A BSN or a name typed into the code field is counted, never repeated in a key.
    ['999990019', 'unmapped-soortuitkering-other'],
    ['S. de Vries', 'unmapped-soortuitkering-other'],
    ['', 'unmapped-soortuitkering-other'],
  ])('%j → %s', (code, key) => {
    expect(unmappedCodeCounter('soortuitkering', code)).toBe(key);
  });
});
