import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Cursor, SourcePage } from '../../src/connector/connector.js';
import type { PartnerHttp } from '../../src/connector/partner-http.js';
import { werkbrugFailure as failure } from '../../test/support/werkbrug-failure.js';
import { gemeenteStufConnector } from './connector.js';
import { configFor, httpFor } from './fixtures/test-kit.js';
import type { StufItem } from './item.js';
import { numberOf } from './pull.js';
import { startGemeenteSandbox, type GemeenteSandbox } from './sandbox/server.js';
import type { Entiteittype } from './stuf-names.js';

/**
 * Bounded pulls (issue 6) against the gemeente sandbox: nothing numbered above
 * `until.mutatievolgnummer` is emitted or counted, no follow-up is asked once a page reaches it,
 * the questions themselves are the unbounded ones (StUF has no upper bound), and the cursor never
 * passes the bound.
 */
const now = '2025-06-02T10:00:00+02:00';
let sandbox: GemeenteSandbox;

beforeAll(async () => {
  sandbox = await startGemeenteSandbox({ scenario: 'edge-cases', now });
});
afterAll(() => sandbox.close());
afterEach(async () => {
  await fetch(`${sandbox.url}/__control/reset`, { method: 'POST', headers: { Authorization: 'Bearer control' } });
});

/** Partner HTTP that keeps the body of every question it sends (and sends it). */
function recordingHttp(bodies: string[]): PartnerHttp {
  const http = httpFor(sandbox.url);
  return { request: (request) => (bodies.push(request.body ?? ''), http.request(request)) };
}

async function pull(stream: Entiteittype, options: { from?: Cursor; until?: Cursor; pageSize?: number; bodies?: string[] } = {}): Promise<Array<SourcePage<StufItem>>> {
  const config = configFor(sandbox.url, { pageSize: options.pageSize ?? 20 });
  const http = options.bodies ? recordingHttp(options.bodies) : httpFor(sandbox.url);
  const pages: Array<SourcePage<StufItem>> = [];
  for await (const page of gemeenteStufConnector.pull(config, stream, options.from, http, options.until ? { until: options.until } : {})) pages.push(page);
  return pages;
}

const numbers = (pages: ReadonlyArray<SourcePage<StufItem>>) => pages.flatMap((page) => page.items.map((item) => numberOf(item.object)));
const element = (name: string, body: string) => new RegExp(`<PW:${name}[^>]*>(?:<PW:object[^>]*>)?<PW:mutatievolgnummer>([0-9]+)</PW:mutatievolgnummer>`).exec(body)?.[1];

describe('a bounded gemeente pull', () => {
  it('declares bounded and no windowCursor (tijdstipRegistratie is never a cursor)', () => {
    expect(gemeenteStufConnector.bounded).toBe(true);
    expect(gemeenteStufConnector.windowCursor).toBeUndefined();
  });

  it('emits nothing numbered above until, cuts the page there and asks no follow-up after it', async () => {
    const full = await pull('RIV');
    const all = numbers(full);
    const bound = all[27] ?? 0;
    const bodies: string[] = [];
    const bounded = await pull('RIV', { until: { mutatievolgnummer: bound, recent: [] }, bodies });
    expect(numbers(bounded)).toEqual(all.filter((n) => (n ?? 0) <= bound));
    // Pages of 20: the bound is on page 2, which is the last; no third question.
    expect(bounded.map((page) => page.last)).toEqual([false, true]);
    expect(bodies).toHaveLength(2);
    expect(bounded[1]?.read).toBe(bounded[1]?.items.length);
    expect(bounded.at(-1)?.cursor).toMatchObject({ mutatievolgnummer: bound });
  });

  it('asks the questions an unbounded pull asks: vanaf from the cursor, start = the last number of the page before', async () => {
    const full = await pull('PWU');
    const cursor = full[0]?.cursor as { mutatievolgnummer: number; recent: number[] };
    const final = full.at(-1)?.cursor as { mutatievolgnummer: number };
    const unbounded: string[] = [];
    await pull('PWU', { from: cursor, bodies: unbounded });
    const bodies: string[] = [];
    await pull('PWU', { from: cursor, until: { mutatievolgnummer: final.mutatievolgnummer, recent: [] }, bodies });
    // Fresh per question: the referentienummer and tijdstipBericht.
    const normalised = (list: string[]) => list.map((body) => body.replace(/<StUF:referentienummer>[^<]*</, '<StUF:referentienummer>x<').replace(/<StUF:tijdstipBericht>[^<]*</, '<StUF:tijdstipBericht>x<'));
    expect(bodies.length).toBeGreaterThan(1);
    expect(normalised(bodies)).toEqual(normalised(unbounded));
    expect(bodies[0]).toContain(`<PW:vanaf StUF:entiteittype="PWU"><PW:mutatievolgnummer>${Math.max(1, cursor.mutatievolgnummer - 49)}</PW:mutatievolgnummer></PW:vanaf>`);
    expect(element('start', bodies[0] ?? '')).toBeUndefined();
    expect(Number(element('start', bodies[1] ?? ''))).toBeGreaterThan(cursor.mutatievolgnummer - 49);
  });

  it('a bound exactly at a page end asks no follow-up', async () => {
    const full = await pull('RIV');
    const bound = numbers(full.slice(0, 1)).at(-1) ?? 0;
    const bodies: string[] = [];
    const bounded = await pull('RIV', { until: { mutatievolgnummer: bound, recent: [] }, bodies });
    expect(bodies).toHaveLength(1);
    expect(bounded).toHaveLength(1);
    expect(bounded[0]).toMatchObject({ last: true, cursor: { mutatievolgnummer: bound } });
    expect(numbers(bounded)).toEqual(numbers(full.slice(0, 1)));
  });

  it('G19: a replay of a run emits the late mutation that became visible inside its range since', async () => {
    const first = await pull('RIV', { pageSize: 100 });
    const late = sandbox.groundTruth().objects.find((o) => o.identificatie === '0344-RV-EDGE-G19A')?.mutations[0]?.n;
    expect(numbers(first)).not.toContain(late);
    const end = first.at(-1)?.cursor;
    const replay = await pull('RIV', { pageSize: 100, ...(end ? { until: end } : {}) });
    expect(numbers(replay).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([...numbers(first), late].sort((a, b) => (a ?? 0) - (b ?? 0)));
    expect(replay.at(-1)?.cursor).toMatchObject({ mutatievolgnummer: (end as { mutatievolgnummer: number }).mutatievolgnummer });
  });

  it('bounded at 0 (the stream had stored nothing) emits nothing', async () => {
    const bounded = await pull('LKS', { until: { mutatievolgnummer: 0, recent: [] } });
    expect(bounded).toHaveLength(1);
    expect(bounded[0]).toMatchObject({ items: [], read: 0, absorbed: 0, last: true, cursor: { mutatievolgnummer: 0 } });
  });

  it('refuses an until of another shape', async () => {
    expect((await failure(pull('RIV', { until: { lastUpdated: '2025-06-01T00:00:00.000Z', recent: [] } }))).code).toBe('WB_CONFIG_INVALID');
  });
});
