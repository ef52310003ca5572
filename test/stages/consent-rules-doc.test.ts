import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { consentRules } from '../../src/stages/consent-decision.js';

describe('docs/consent-rules.md', () => {
  it('lists every rule with the sentence the code uses, and no other', () => {
    const doc = readFileSync('docs/consent-rules.md', 'utf8');
    const documented = [...doc.matchAll(/^\| `(CR\d\d-[a-z-]+)` \| (.+) \|$/gm)].map((m) => [m[1], m[2]]);
    expect(Object.fromEntries(documented)).toEqual(consentRules);
  });
});
