import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cursor, SourcePage } from '../../src/connector/connector.js';
import { createPartnerHttp } from '../../src/connector/axios-partner-http.js';
import { ggzFhirConfigSchema, ggzFhirOrigins, type GgzFhirConfig } from './config-schema.js';
import { ggzFhirConnector } from './connector.js';
import type { GgzItem } from './item.js';
import { startGgzSandbox, type GgzSandbox } from './sandbox/server.js';
import { ggzWindowCursor } from './window.js';

/**
 * Bounded pulls against the sandbox, with Consent at a separate consent service (spec §5.1): the
 * sandbox honours `_lastUpdated` twice (`ge` and `le`, to the millisecond), a pull bounded at the
 * cursor after page 1 is exactly page 1, and two adjacent windows together are the full pull.
 */
let sandbox: GgzSandbox;
let config: GgzFhirConfig;

beforeAll(async () => {
  sandbox = await startGgzSandbox({ now: '2026-03-02T10:00:00+01:00', persons: 30, consentBase: '/consent/fhir', token: 'tok' });
  config = ggzFhirConfigSchema.parse({ baseUrl: sandbox.baseUrl, consentBaseUrl: sandbox.consentBaseUrl, tokenEnv: 'GGZ_TOKEN', pageSize: 8 });
});
afterAll(async () => sandbox.close());

async function pull(stream: string, from: Cursor | undefined, until?: Cursor): Promise<Array<SourcePage<GgzItem>>> {
  const http = createPartnerHttp({
    partnerId: 'ggz-altrecht', allowedOrigins: ggzFhirOrigins(config), token: 'tok', timeoutMs: 5000, maxBodyBytes: 1 << 24, retries: 0, baseDelayMs: 1, maxRetryAfterSeconds: 1, sleep: async () => undefined,
  });
  const out: Array<SourcePage<GgzItem>> = [];
  for await (const page of ggzFhirConnector.pull(config, stream, from, http, until === undefined ? {} : { until })) out.push(page);
  return out;
}

const idOf = (item: GgzItem) => (item.kind === 'resource' ? String((item.resource as { id: string }).id) : item.id);
const ids = (pages: ReadonlyArray<SourcePage<GgzItem>>) => pages.flatMap((page) => page.items.map(idOf));
const lastUpdatedOf = (item: GgzItem) => (item.kind === 'resource' ? String((item.resource as { meta: { lastUpdated: string } }).meta.lastUpdated) : '');

describe.each(['Consent', 'EpisodeOfCare'])('a bounded %s pull against the sandbox', (stream) => {
  it('bounded at the cursor after page 1 is exactly page 1, and its cursor is that cursor', async () => {
    const full = await pull(stream, undefined);
    expect(full.length).toBeGreaterThan(2);
    const first = full[0];
    if (first === undefined) throw new Error('no page');
    const bounded = await pull(stream, undefined, first.cursor);
    expect(ids(bounded)).toEqual(ids([first]));
    expect(bounded.at(-1)).toMatchObject({ last: true, cursor: first.cursor });
  });

  it('two adjacent windows together are the full pull, the first holding nothing after their border', async () => {
    const full = await pull(stream, undefined);
    const items = full.flatMap((page) => page.items);
    const middle = items[Math.floor(items.length / 2)];
    if (middle === undefined) throw new Error('no records');
    const at = lastUpdatedOf(middle);
    const early = await pull(stream, undefined, ggzWindowCursor(config, stream, at));
    const late = await pull(stream, ggzWindowCursor(config, stream, at), undefined);
    expect(new Set([...ids(early), ...ids(late)])).toEqual(new Set(ids(full)));
    expect(early.flatMap((page) => page.items).every((item) => Date.parse(lastUpdatedOf(item)) <= Date.parse(at))).toBe(true);
    // The record at the border itself is in both (until is inclusive, a start reads at or after).
    expect(ids(early)).toContain(idOf(middle));
    expect(ids(late)).toContain(idOf(middle));
    expect(ids(late).length).toBeLessThan(ids(full).length);
    expect(ids(early).length).toBeLessThan(ids(full).length);
  });
});
