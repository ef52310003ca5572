import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderConfigReference, replaceReference } from '../../src/config/config-reference.js';

describe('the configuration reference in README.md', () => {
  it('is the one generated from the schema (run `npm run docs:config` when this fails)', () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(replaceReference(readme, renderConfigReference())).toBe(readme);
  });

  it('documents every setting with a sentence', () => {
    const table = renderConfigReference();
    expect(table).toContain('`partners[].http.timeoutMs`');
    for (const line of table.split('\n').slice(2)) expect(line.trim().endsWith('|  |')).toBe(false);
  });
});
