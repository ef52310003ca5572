import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorCatalog } from '../../src/errors/catalog.js';
import { consentRules } from '../../src/stages/consent-decision.js';
import { purposeNames } from '../../src/privacy/access-request-glossary.js';

/**
 * `docs/privacy.md` is what a privacy officer signs off on: it must not drift from the code. Every
 * consent rule appears in its table with the sentence the code logs, every purpose with its Dutch
 * name, every linked page exists, and every error code it names is in the catalogue.
 */
const file = 'docs/privacy.md';
const guide = readFileSync(file, 'utf8');

describe('docs/privacy.md', () => {
  it('lists every consent rule with the sentence werkbrug uses, and no other', () => {
    for (const [id, sentence] of Object.entries(consentRules)) {
      expect(guide, id).toContain(`| \`${id}\` |`);
      expect(guide, id).toContain(sentence);
    }
    const listed = [...guide.matchAll(/^\| `(CR[0-9]{2}-[a-z-]+)` \|/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual(Object.keys(consentRules).sort());
  });

  it('names every purpose by its Dutch name', () => {
    for (const [code, name] of Object.entries(purposeNames())) expect(guide).toContain(`| \`${code}\` | ${name} |`);
  });

  it('links only pages that exist', () => {
    const links = [...guide.matchAll(/\]\(([^)#]+\.md)\)/g)].map((m) => m[1] ?? '');
    expect(links.length).toBeGreaterThan(3);
    for (const link of links) expect(existsSync(join(dirname(file), link)), link).toBe(true);
  });

  it('names only error codes of the catalogue', () => {
    for (const [code] of guide.matchAll(/WB_[A-Z_]+/g)) expect(Object.keys(errorCatalog)).toContain(code);
  });
});
