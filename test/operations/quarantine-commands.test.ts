import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quarantineListCommand, quarantineShowCommand } from '../../src/cli/quarantine-commands.js';
import { quarantineItemReportSchema, quarantineListSchema } from '../../src/operations/quarantine-report.js';
import type { QuarantineItem } from '../../src/store/store.js';
import type { RedisEndpoint } from '../../src/support/redis-connection.js';
import { partnerId } from '../support/pipeline-harness.js';
import { testEngines } from '../support/postgres.js';
import { testPrefix, testRedis } from '../support/redis.js';
import { capture, seededStore, type SeededStore } from './status-support.js';

/**
 * `werkbrug quarantine list|show` on the quarantine the edge-cases scenario leaves after real
 * syncs through the pipeline, on PostgreSQL and PGlite: counts by partner and reason first, then
 * the items; one item in full; released items only with --all.
 */
const engines = await testEngines();
const now = new Date('2025-06-02T09:30:00Z');

describe.each(engines)('quarantine list and show on $name', (engine) => {
  let seeded: SeededStore;
  let redis: RedisEndpoint;
  let open: readonly QuarantineItem[];
  const prefix = testPrefix('quarantine-cmd');
  const env = (): NodeJS.ProcessEnv => seeded.env({ url: redis.url, prefix });
  const list = (options: { partner?: string; reason?: string; all?: boolean; limit?: string; format?: string } = {}) =>
    capture(seeded, now, (io) => quarantineListCommand({ config: seeded.configFile, ...options }, env(), io));
  const show = (ref: string, format?: string) =>
    capture(seeded, now, (io) => quarantineShowCommand(partnerId, ref, { config: seeded.configFile, ...(format ? { format } : {}) }, env(), io));
  const byReason = (items: readonly QuarantineItem[]): Map<string, number> => {
    const counts = new Map<string, number>();
    for (const item of items) counts.set(item.reason, (counts.get(item.reason) ?? 0) + 1);
    return counts;
  };

  beforeAll(async () => {
    redis = await testRedis();
    seeded = await seededStore(engine, `quarantine-${engine.name}`);
    open = await seeded.withStore((store) => store.listQuarantine({ partnerId, open: true, limit: 10_000 }));
    if (open.length < 3) throw new Error(`the edge-cases scenario should quarantine several records, got ${open.length}`);
  }, 120_000);

  afterAll(async () => {
    await seeded?.close();
    await redis?.close();
  });

  it('counts the open items by partner and reason, then lists them with reference, field, reason and what was expected', async () => {
    const { code, out } = await list({ format: 'json' });
    expect(code).toBe(0);
    const report = quarantineListSchema.parse(JSON.parse(out));
    expect(report.total).toBe(open.length);
    expect(new Map(report.counts.map((c) => [c.reason, c.items]))).toEqual(byReason(open));
    expect(report.counts.every((c) => c.partnerId === partnerId && c.open === c.items)).toBe(true);
    expect(report.items.map((i) => `${i.sourceRef}|${i.reason}|${i.field}`).sort()).toEqual(open.map((i) => `${i.sourceRef}|${i.reason}|${i.field}`).sort());
    const first = report.items.find((i) => i.sourceRef === open[0]?.sourceRef && i.field === open[0]?.field);
    expect(first).toMatchObject({ stream: open[0]?.stream, stage: open[0]?.stage, expected: open[0]?.expected, occurrences: open[0]?.occurrences, released: false });

    const table = await list();
    expect(table.out.startsWith(`open quarantine: ${open.length} item(s)\n\nPARTNER       REASON`)).toBe(true);
    const [reason, count] = [...byReason(open)][0] ?? [];
    expect(table.out).toMatch(new RegExp(`^${partnerId} +${reason} +${count} +${count} +\\d+$`, 'm'));
    expect(table.out).toMatch(/^REFERENCE +STREAM +STAGE +FIELD +REASON +EXPECTED +SEEN +FIRST SEEN +LAST SEEN +RELEASED$/m);
    expect(table.out).toContain(open[0]?.sourceRef);
  });

  it('shows at most --limit items and says how many there are', async () => {
    const { out } = await list({ limit: '2' });
    expect(out).toContain(`(2 of ${open.length} items, last seen first; --limit shows more)`);
    const report = quarantineListSchema.parse(JSON.parse((await list({ limit: '2', format: 'json' })).out));
    expect(report.items).toHaveLength(2);
    expect(report.total).toBe(open.length);
  });

  it('lists one reason with --reason, and refuses a reason outside the vocabulary with exit 2', async () => {
    const reason = open[0]?.reason ?? '';
    const report = quarantineListSchema.parse(JSON.parse((await list({ reason, format: 'json' })).out));
    expect(report.items.length).toBe(byReason(open).get(reason));
    expect(report.items.every((i) => i.reason === reason)).toBe(true);
    const refused = await list({ reason: 'bad-date' });
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('--reason: expected a quarantine reason: bsn-missing, bsn-invalid');
  });

  it('refuses an unknown partner with exit 2', async () => {
    const { code, err } = await list({ partner: 'ggz' });
    expect(code).toBe(2);
    expect(err).toContain(`${seeded.configFile} --partner: expected a partner id of the config`);
  });

  it('shows one item in full: every reason and field, the runs that saw it, what to do', async () => {
    const ref = open[0]?.sourceRef ?? '';
    const { code, out } = await show(ref, 'json');
    expect(code).toBe(0);
    const report = quarantineItemReportSchema.parse(JSON.parse(out));
    const rows = await seeded.withStore((store) => store.operations.quarantineItemsOf(partnerId, ref));
    expect(report.items.map((i) => `${i.reason}|${i.field}`).sort()).toEqual(rows.map((i) => `${i.reason}|${i.field}`).sort());
    expect(report.runs.find((r) => r.role.includes('first-seen'))?.runId).toBe(seeded.runs?.first.runId);
    const table = await show(ref);
    expect(table.out).toMatch(new RegExp(`^reference: ${ref.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    expect(table.out).toMatch(/^ {4}expected: +\S/m);
    expect(table.out).toContain('What to do: Quarantined. Ask the partner to correct the record at the source.');
    // The partner id at the start of the reference may be left out.
    const short = quarantineItemReportSchema.parse(JSON.parse((await show(ref.slice(partnerId.length + 1), 'json')).out));
    expect(short.sourceRef).toBe(ref);
    expect(short.items).toHaveLength(report.items.length);
  });

  it('refuses a reference with nothing quarantined with exit 2', async () => {
    const { code, err } = await show(`${partnerId}:Patient/none/_history/1`);
    expect(code).toBe(2);
    expect(err).toContain(`source-ref: expected the reference of a quarantined record of ${partnerId}`);
  });

  it('leaves a released item out unless --all, and shows it released', async () => {
    const ref = open[1]?.sourceRef ?? '';
    await seeded.withStore((store) => store.operations.releaseQuarantine({ partnerId, sourceRefs: [ref] }, 'r20250602T093000Z-ggz-altrecht-rel1'));
    const releasedRows = open.filter((i) => i.sourceRef === ref).length;
    const openNow = quarantineListSchema.parse(JSON.parse((await list({ format: 'json' })).out));
    expect(openNow.total).toBe(open.length - releasedRows);
    expect(openNow.items.some((i) => i.sourceRef === ref)).toBe(false);
    const all = quarantineListSchema.parse(JSON.parse((await list({ all: true, format: 'json' })).out));
    expect(all.total).toBe(open.length);
    expect(all.items.filter((i) => i.sourceRef === ref).every((i) => i.released && i.releaseRunId === 'r20250602T093000Z-ggz-altrecht-rel1')).toBe(true);
    expect(all.counts.reduce((sum, c) => sum + c.open, 0)).toBe(open.length - releasedRows);
    expect((await show(ref)).out).toMatch(/^ {4}released: +\d{4}-\d\d-\d\d \d\d:\d\d for run r20250602T093000Z-ggz-altrecht-rel1$/m);
  });
});
