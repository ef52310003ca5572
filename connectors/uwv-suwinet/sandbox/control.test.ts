import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { P1, P7 } from '../../../src/sandbox/index.js';
import { pullAll, questionsFor, sandboxConfig, sandboxHttp } from '../fixtures/pull-kit.js';
import { startUwvSandbox, type UwvSandbox } from './server.js';

let sandbox: UwvSandbox;
const headers = () => ({ Authorization: `Bearer ${sandbox.controlToken}` });
const put = (bsn: string, xml: string, query = '') => fetch(`${sandbox.url}/__control/records/ClientSuwi/${bsn}${query}`, { method: 'PUT', headers: headers(), body: xml });

beforeAll(async () => {
  sandbox = await startUwvSandbox({ now: '2025-08-02T09:00:00+02:00', persons: 12 });
});
afterAll(async () => sandbox.close());

describe('UWV sandbox control API', () => {
  it('PUT ClientSuwi tells the services apart by their children and serves it from then on', async () => {
    const ikv = `<ClientSuwi><Burgerservicenr>${P7.bsn}</Burgerservicenr><Inkomstenverhouding><VolgnrIkv>3</VolgnrIkv><DatBIkv>20250101</DatBIkv><AdministratieveEenheid><Loonheffingennr>812345605L01</Loonheffingennr></AdministratieveEenheid><Inkomstenperiode><DatBIkp>20250101</DatBIkp><CdSrtIkv>15</CdSrtIkv><CdAardIkv>78</CdAardIkv></Inkomstenperiode></Inkomstenverhouding></ClientSuwi>`;
    expect((await put(P7.bsn, ikv)).status).toBe(200);
    const wv = `<ClientSuwi><Burgerservicenr>${P7.bsn}</Burgerservicenr><Uitkeringsverhouding><DatBUitkeringsverhouding>20240101</DatBUitkeringsverhouding><SzWet><CdSzWet>WW</CdSzWet></SzWet></Uitkeringsverhouding></ClientSuwi>`;
    expect((await put(P7.bsn, wv)).status).toBe(200);
    expect((await put(P7.bsn, `<ClientSuwi><Burgerservicenr>${P7.bsn}</Burgerservicenr></ClientSuwi>`)).status).toBe(400);
    expect((await put(P7.bsn, `<ClientSuwi><Burgerservicenr>${P7.bsn}</Burgerservicenr></ClientSuwi>`, '?service=wv')).status).toBe(200);
    await put(P7.bsn, wv);
    const run = await pullAll(sandboxConfig(sandbox), sandboxHttp(sandbox), questionsFor(sandbox, [P7.bsn]));
    const drafts = run.edges[0]!.records.map((r) => r.draft);
    expect(drafts.map((d) => [d.record_kind, d.employment?.relation ?? d.benefit?.benefit_type])).toEqual([['employment', 'self_employed'], ['benefit', 'WW']]);
  });

  it('DELETE makes a person unknown (NietsGevonden); reset brings it back', async () => {
    expect((await fetch(`${sandbox.url}/__control/records/ClientSuwi/${P1.bsn}`, { method: 'DELETE', headers: headers() })).status).toBe(200);
    let run = await pullAll(sandboxConfig(sandbox), sandboxHttp(sandbox), questionsFor(sandbox, [P1.bsn]));
    expect([run.pages[0]!.items[0]!.ikv.kind, run.pages[0]!.items[0]!.wv.kind]).toEqual(['not-found', 'not-found']);
    await fetch(`${sandbox.url}/__control/reset`, { method: 'POST', headers: headers(), body: '{}' });
    run = await pullAll(sandboxConfig(sandbox), sandboxHttp(sandbox), questionsFor(sandbox, [P1.bsn]));
    expect(run.edges[0]!.records).toHaveLength(2);
  });

  it('health and ground truth answer; the ground truth names relations by key parts and expected records', async () => {
    const health = await (await fetch(`${sandbox.url}/__control/health`, { headers: headers() })).json();
    expect(health).toMatchObject({ partner: 'uwv', scenario: 'default', records: { explicit: 9, generated: 3 } });
    const truth = await (await fetch(`${sandbox.url}/__control/ground-truth?from=2024-02-03&to=2025-08-02`, { headers: headers() })).json();
    const p1 = truth.persons.find((p: { key: string }) => p.key === 'P1');
    expect(p1.relations.map((r: { keyParts: string[]; expected: Array<{ kind: string }> }) => [r.keyParts[1], r.expected[0]?.kind])).toEqual([['823456717L01', 'benefit'], ['812345605L01', 'employment']]);
    expect(p1.delivered).toEqual({ from: '2024-02-03', to: '2025-07-31' });
  });

  it('refuses the control API without its token', async () => {
    expect((await fetch(`${sandbox.url}/__control/health`)).status).toBe(401);
  });
});
