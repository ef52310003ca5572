import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';

function runMain(env: Record<string, string>): ReturnType<typeof spawn> {
  return spawn(process.execPath, ['--import', 'tsx', 'connectors/ggz-fhir/sandbox/main.ts'], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Resolves with the first origin the process prints, or rejects when it exits first. */
function printedUrl(child: ReturnType<typeof spawn>): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const match = /(http:\/\/127\.0\.0\.1:\d+)\/fhir/.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
  });
}

describe('connectors/ggz-fhir/sandbox/main.ts', () => {
  it('starts from the environment, prints its URL and stops cleanly on SIGTERM', async () => {
    const child = runMain({ SANDBOX_PORT: '0', SANDBOX_TOKEN: 'main-token', SANDBOX_PERSONS: '40', SANDBOX_SEED: '3', SANDBOX_SCENARIO: 'default', SANDBOX_NOW: '2026-03-02T10:00:00+01:00', SANDBOX_CONSENT_BASE: '/consent/fhir', SANDBOX_PAGING_TTL_SECONDS: '60' });
    const url = await printedUrl(child);
    const response = await fetch(`${url}/fhir/Patient?_count=1&_total=accurate`, { headers: { Authorization: 'Bearer main-token' } });
    expect(await response.json()).toMatchObject({ total: 40 });
    expect((await fetch(`${url}/consent/fhir/Consent?_count=1`, { headers: { Authorization: 'Bearer main-token' } })).status).toBe(200);
    const health = await fetch(`${url}/__control/health`, { headers: { Authorization: 'Bearer control' } });
    expect(await health.json()).toMatchObject({ seed: 3, paging: { ttlSeconds: 60 } });
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    expect((await exited)[0]).toBe(0);
  });

  it('stops with exit code 2 and names the variable when one is invalid', async () => {
    const child = runMain({ SANDBOX_SCENARIO: 'weekend' });
    let err = '';
    child.stderr?.on('data', (chunk: Buffer) => { err += chunk.toString('utf8'); });
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(err).toContain('SANDBOX_SCENARIO');
  });
});
