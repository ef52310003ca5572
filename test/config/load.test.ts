import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/load.js';
import { keyFromEnvironment } from '../../src/config/pseudonym-key.js';

const example = readFileSync('config/midden-utrecht.yaml', 'utf8');

function problemsOf(text: string, file = 'config/test.yaml'): string[] {
  try {
    parseConfig(file, text);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => p.message);
    throw error;
  }
  return [];
}

describe('parseConfig', () => {
  it('accepts the Midden-Utrecht example and fills defaults', () => {
    const config = parseConfig('config/midden-utrecht.yaml', example);
    expect(config.region.code).toBe('AM13');
    expect(config.partners[0]?.http.maxPageBytes).toBe(16 * 1024 * 1024);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names the file, the field path, what was expected and what was found', () => {
    const problems = problemsOf(example.replace('code: AM13', 'code: AM99'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^WB_CONFIG_INVALID config\/test\.yaml region\.code: expected one of "AM01".*got "AM99"$/);
  });

  it('reports every problem at once', () => {
    const broken = example.replace('maxWaitDays: 30', 'maxWaitDays: -1').replace('connector: ggz-fhir', 'connector: ggz-hl7v2').replace('  ingestConcurrency: 2', '  ingestConcurency: 2');
    const problems = problemsOf(broken);
    expect(problems.join('\n')).toContain('consent.maxWaitDays');
    expect(problems.join('\n')).toMatch(/partners\[0\]\.connector: expected one of ggz-fhir, [a-z, -]*uwv-suwinet, got "ggz-hl7v2"/);
    expect(problems.join('\n')).toContain('ingestConcurency is not a setting');
  });

  it("checks the connector's own settings with the partner's path", () => {
    const problems = problemsOf(example.replace('baseUrl: http://127.0.0.1:7401/fhir', 'baseUrl: 42'));
    expect(problems.some((p) => p.includes('partners[0].settings.baseUrl'))).toBe(true);
  });

  it('says where a YAML syntax error is without quoting the file', () => {
    const problems = problemsOf('region: [unclosed');
    expect(problems[0]).toMatch(/WB_CONFIG_INVALID config\/test\.yaml \(root\): expected valid YAML/);
  });
});

describe('keyFromEnvironment', () => {
  const config = parseConfig('config/midden-utrecht.yaml', example);

  it('names the missing variables when there is no key', () => {
    expect(() => keyFromEnvironment(config, {})).toThrow(/WERKBRUG_PSEUDONYM_KEY and WERKBRUG_PSEUDONYM_KEY_ID/);
  });

  it('refuses a key of the wrong length, naming the variable but not the key', () => {
    const env = { WERKBRUG_PSEUDONYM_KEY: 'abcd', WERKBRUG_PSEUDONYM_KEY_ID: 'mu-2025a' };
    expect(() => keyFromEnvironment(config, env)).toThrow(/WERKBRUG_PSEUDONYM_KEY: expected 32 bytes/);
    try { keyFromEnvironment(config, env); } catch (error) { expect(String(error)).not.toContain('abcd'); }
  });

  it('reads a hex key and its id', () => {
    const key = keyFromEnvironment(config, { WERKBRUG_PSEUDONYM_KEY: '00'.repeat(32), WERKBRUG_PSEUDONYM_KEY_ID: 'mu-2025a' });
    expect(key.keyId).toBe('mu-2025a');
    expect(key.key.length).toBe(32);
  });
});
