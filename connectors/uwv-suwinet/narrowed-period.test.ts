import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PersonQuestion } from '../../src/connector/connector.js';
import type { PartnerHttp } from '../../src/connector/partner-http.js';
import { P1 } from '../../src/sandbox/index.js';
import { uwvSuwinetConnector } from './connector.js';
import { sandboxConfig, sandboxHttp } from './fixtures/pull-kit.js';
import { demoPseudonymiser, edgeContext } from './fixtures/test-kit.js';
import { startUwvSandbox, type UwvSandbox } from './sandbox/server.js';

/**
 * A back-fill window (issue 6): the core narrows `PersonQuestion.period` to the window, and that
 * period is what the inkomsten question asks (`PeriodeGegevensvraagIko`) and what both snapshots
 * of the person cover, so a window replaces only the rows of its own period.
 */
let sandbox: UwvSandbox;

beforeAll(async () => {
  sandbox = await startUwvSandbox({ now: '2025-08-02T09:00:00+02:00', persons: 10 });
});
afterAll(async () => sandbox.close());

/** Partner HTTP that keeps the body of every question it sends (and sends it). */
function recording(bodies: string[]): PartnerHttp {
  const http = sandboxHttp(sandbox);
  return { request: (request) => (bodies.push(request.body ?? ''), http.request(request)) };
}

describe('a narrowed period', () => {
  const window = { from: '2025-07-01', to: '2025-07-31' };
  const person: PersonQuestion = { bsn: P1.bsn, pseudonym: demoPseudonymiser.person(P1.bsn), period: window };

  it('reaches the inkomsten SOAP request and bounds both snapshots', async () => {
    const bodies: string[] = [];
    const pages = [];
    for await (const page of uwvSuwinetConnector.pull(sandboxConfig(sandbox), 'persons', undefined, recording(bodies), { persons: [person] })) pages.push(page);
    const inkomsten = bodies.filter((body) => body.includes('UWVPersoonsIkvInfo'));
    const werknemersverzekeringen = bodies.filter((body) => body.includes('UWVPersoonsWvInfo'));
    expect(inkomsten).toHaveLength(1);
    expect(inkomsten[0]).toContain('<PeriodeGegevensvraagIko><DatBPeriode>20250701</DatBPeriode><DatEPeriode>20250731</DatEPeriode></PeriodeGegevensvraagIko>');
    // The werknemersverzekeringen service has no period parameter: the edge keeps the window.
    expect(werknemersverzekeringen).toHaveLength(1);
    expect(werknemersverzekeringen[0]).not.toContain('PeriodeGegevensvraag');
    const edge = uwvSuwinetConnector.edge(pages[0] ?? { stream: 'persons', items: [], cursor: {}, last: true, read: 0, absorbed: 0 }, edgeContext());
    expect(edge.snapshots?.map((snapshot) => [snapshot.keyPrefix, snapshot.period])).toEqual([
      ['uwv:ikv/', window],
      ['uwv:uv/', window],
    ]);
  });
});
