import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorCatalog, errorCodes } from '../../src/errors/catalog.js';
import { WerkbrugError } from '../../src/errors/werkbrug-error.js';

describe('the error catalogue', () => {
  const docs = readFileSync('docs/errors.md', 'utf8');

  it('is documented code by code in docs/errors.md, with the same action', () => {
    for (const code of errorCodes) {
      expect(docs, `docs/errors.md lacks ${code}`).toContain(`## ${code}`);
      expect(docs, `docs/errors.md has another action for ${code}`).toContain(errorCatalog[code].action);
    }
  });

  it('documents no code that does not exist', () => {
    const documented = [...docs.matchAll(/^## (WB_[A-Z_]+)/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual([...errorCodes].sort());
  });

  it('puts code, file, field, expected and found in one line', () => {
    const error = new WerkbrugError('WB_CONFIG_INVALID', { file: 'config/werkbrug.yaml', field: 'partners[1].schedule', expected: 'a 5-field cron expression', got: '"elke dag"' });
    expect(error.message).toBe('WB_CONFIG_INVALID config/werkbrug.yaml partners[1].schedule: expected a 5-field cron expression, got "elke dag"');
    expect(error.retryable).toBe(false);
  });
});
