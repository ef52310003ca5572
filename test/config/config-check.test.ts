import { afterEach, describe, expect, it, vi } from 'vitest';
import { configCheckCommand } from '../../src/cli/config-check.js';

/** `werkbrug config check`: a valid file exits 0 and names every secret the environment still lacks. */
describe('werkbrug config check', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  function check(env: NodeJS.ProcessEnv): { code: number; out: string } {
    let out = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { out += String(chunk); return true; });
    const code = configCheckCommand('config/midden-utrecht.yaml', env);
    vi.restoreAllMocks();
    return { code, out };
  }

  it('warns about the key, each partner token and the alert webhook missing from the environment', () => {
    const { code, out } = check({});
    expect(code).toBe(0);
    expect(out).toMatch(/^config\/midden-utrecht\.yaml: valid \(region AM13/);
    expect(out).toContain('WERKBRUG_PSEUDONYM_KEY');
    expect(out).toContain('warning: partner uwv: environment variable WERKBRUG_UWV_TOKEN (API token) is not set');
    expect(out).toContain('warning: alerts: environment variable WERKBRUG_ALERT_WEBHOOK_URL (webhook URL) is not set');
  });

  it('says nothing about what the environment has', () => {
    const { out } = check({ WERKBRUG_ALERT_WEBHOOK_URL: 'https://alerts.example.nl/hook', WERKBRUG_UWV_TOKEN: 't' });
    expect(out).not.toContain('WERKBRUG_ALERT_WEBHOOK_URL');
    expect(out).not.toContain('WERKBRUG_UWV_TOKEN');
  });
});
