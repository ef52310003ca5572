import { once } from 'node:events';
import { get, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGgzSandbox, type GgzSandbox } from './server.js';
import { bundleSchema, EOC_QUERY, FhirClient, matches, nextOf, outcomeSchema } from './test/fhir-client.js';

let sandbox: GgzSandbox;
let client: FhirClient;

beforeAll(async () => {
  sandbox = await startGgzSandbox({ now: '2026-03-02T10:00:00+01:00' });
  client = new FhirClient(sandbox);
});

afterAll(async () => {
  await sandbox.close();
});

beforeEach(async () => {
  await client.control('DELETE', 'faults');
});

async function arm(rule: unknown): Promise<void> {
  const answer = await client.control('POST', 'faults', rule);
  expect(answer.status).toBe(201);
}

/** A raw GET with node:http, to see what fetch would hide: timing of headers and chunks, resets. */
function rawGet(path: string, options: { timeoutMs?: number; headers?: Record<string, string> } = {}): Promise<IncomingMessage> {
  const request = get(`${sandbox.baseUrl}${path}`, { headers: { Authorization: `Bearer ${sandbox.token}`, ...options.headers }, ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}) });
  return new Promise((resolve, reject) => {
    request.once('response', resolve);
    request.once('error', reject);
    request.once('timeout', () => request.destroy(new Error('client timeout')));
  });
}

describe('fault injection, seen by a plain HTTP client', () => {
  it('http-error sends the native OperationOutcome with Retry-After', async () => {
    await arm({ match: { path: '/fhir/Consent' }, fault: { type: 'http-error', status: 503, retryAfterSeconds: 2 } });
    const answer = await client.get('/Consent');
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('2');
    expect(answer.headers.get('content-type')).toBe('application/fhir+json; charset=utf-8');
    expect(outcomeSchema.parse(answer.json()).issue[0]?.code).toBe('transient');
    expect((await client.get('/Consent')).status).toBe(200);
  });

  it('http-error can send an HTML proxy page or nothing at all', async () => {
    await arm({ fault: { type: 'http-error', status: 502, body: 'html' } });
    const html = await client.get('/Patient');
    expect([html.status, html.headers.get('content-type')]).toEqual([502, 'text/html; charset=utf-8']);
    expect(html.text).toContain('<html>');
    await arm({ fault: { type: 'http-error', status: 500, body: 'empty' } });
    const empty = await client.get('/Patient');
    expect([empty.status, empty.bytes.length]).toEqual([500, 0]);
  });

  it('fails exactly page 3 of a Consent search with skip 2, times 1', async () => {
    await arm({ match: { path: '/fhir/Consent' }, fault: { type: 'http-error', status: 500 }, skip: 2, times: 1 });
    const page1 = await client.bundle('/Consent?_count=10');
    const page2 = await client.bundle(nextOf(page1) ?? '');
    const third = nextOf(page2) ?? '';
    expect((await client.get(third)).status).toBe(500);
    expect((await client.get(third)).status).toBe(200);
  });

  it('delay holds the whole answer back before the headers', async () => {
    await arm({ fault: { type: 'delay', ms: 300 } });
    const started = performance.now();
    const response = await rawGet('/Patient/pat-0001');
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(response.statusCode).toBe(200);
    response.resume();
    await once(response, 'end');
  });

  it('slow-body sends the headers at once and the body in a trickle', async () => {
    await arm({ fault: { type: 'slow-body', bytesPerSecond: 20_000 } });
    const response = await rawGet('/Patient?_count=5');
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    await once(response, 'end');
    const body = Buffer.concat(chunks);
    expect(body.length).toBe(Number(response.headers['content-length']));
    expect(chunks.length).toBeGreaterThan(2);
    expect(bundleSchema.parse(JSON.parse(body.toString('utf8'))).type).toBe('searchset');
  });

  it('hang sends nothing until the client gives up', async () => {
    await arm({ fault: { type: 'hang' } });
    await expect(rawGet('/Patient/pat-0001', { timeoutMs: 200 })).rejects.toThrow('client timeout');
    expect(sandbox.journal(1)[0]).toMatchObject({ path: '/fhir/Patient/pat-0001', status: null, fault: { type: 'hang' } });
  });

  it('reset destroys the connection before the headers', async () => {
    await arm({ fault: { type: 'reset' } });
    await expect(rawGet('/Patient/pat-0001')).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|socket hang up/) });
  });

  it('reset after some bytes cuts the body off mid-way', async () => {
    await arm({ fault: { type: 'reset', afterBytes: 100 } });
    const outcome = await rawGet('/Patient?_count=20').then(
      (response) => new Promise<string>((resolve) => {
        response.on('data', () => undefined);
        response.once('end', () => resolve('complete'));
        response.once('error', () => resolve('cut'));
        response.once('aborted', () => resolve('cut'));
      }),
      () => 'cut',
    );
    expect(outcome).toBe('cut');
  });

  it('truncate announces the full length and sends only the first bytes', async () => {
    await arm({ fault: { type: 'truncate', bytes: 64 } });
    const response = await rawGet('/Patient/pat-0001');
    const announced = Number(response.headers['content-length']);
    let received = 0;
    response.on('data', (chunk: Buffer) => { received += chunk.length; });
    await new Promise<void>((resolve) => {
      response.once('error', () => resolve());
      response.once('aborted', () => resolve());
      response.once('end', () => resolve());
    });
    expect(announced).toBeGreaterThan(64);
    expect(received).toBe(64);
    expect(response.headers.connection).toBe('close');
    await expect(fetch(`${sandbox.baseUrl}/Patient/pat-0001`, { headers: { Authorization: `Bearer ${sandbox.token}`, 'X-Sandbox-Fault': 'type=truncate;bytes=10' } }).then((r) => r.text())).rejects.toThrow();
  });

  it('truncate past the body closes the connection, so the next request gets a fresh one', async () => {
    const whole = await client.get('/Patient/pat-0001', { 'X-Sandbox-Fault': 'type=truncate;bytes=1000000' });
    expect([whole.status, whole.headers.get('connection')]).toEqual([200, 'close']);
    expect((await client.get('/Patient/pat-0001')).status).toBe(200);
  });

  it('malformed sends broken JSON of about the same length', async () => {
    const clean = await client.get('/Patient/pat-0001');
    await arm({ fault: { type: 'malformed' } });
    const broken = await client.get('/Patient/pat-0001');
    expect(broken.status).toBe(200);
    expect(() => broken.json()).toThrow(SyntaxError);
    expect(Math.abs(broken.bytes.length - clean.bytes.length)).toBeLessThan(16);
  });

  it('wrong-content-type sends a valid body under another media type', async () => {
    await arm({ fault: { type: 'wrong-content-type', contentType: 'text/html' } });
    const answer = await client.get('/Patient/pat-0001');
    expect(answer.headers.get('content-type')).toBe('text/html');
    expect(answer.json()).toMatchObject({ resourceType: 'Patient', id: 'pat-0001' });
  });

  it('repeat-page sends the previous matching answer again', async () => {
    await arm({ match: { path: '/fhir/EpisodeOfCare' }, fault: { type: 'repeat-page' }, skip: 1, times: 1 });
    const page1 = await client.bundle(`${EOC_QUERY}&_count=10`);
    const again = await client.bundle(nextOf(page1) ?? '');
    expect(matches(again).map((resource) => resource.id)).toEqual(matches(page1).map((resource) => resource.id));
    const page2 = await client.bundle(nextOf(page1) ?? '');
    expect(matches(page2)[0]?.id).not.toBe(matches(page1)[0]?.id);
  });

  it('expire-paging makes the next next link answer 410 expired', async () => {
    await arm({ fault: { type: 'expire-paging' } });
    const page1 = await client.bundle(`${EOC_QUERY}&_count=10`);
    const next = await client.get(nextOf(page1) ?? '');
    expect(next.status).toBe(410);
    expect(outcomeSchema.parse(next.json()).issue[0]?.code).toBe('expired');
  });

  it('takes a single fault from the X-Sandbox-Fault header', async () => {
    const answer = await client.get('/Patient/pat-0001', { 'X-Sandbox-Fault': 'type=http-error;status=429;retryAfterSeconds=7' });
    expect([answer.status, answer.headers.get('retry-after')]).toEqual([429, '7']);
    expect(outcomeSchema.parse(answer.json()).issue[0]?.code).toBe('throttled');
    expect((await client.get('/Patient/pat-0001', { 'X-Sandbox-Fault': 'type=soap-fault;code=StUF058' })).status).toBe(400);
  });

  it('refuses to arm a SOAP-only fault', async () => {
    const answer = await client.control('POST', 'faults', { fault: { type: 'xml-doctype' } });
    expect(answer.status).toBe(400);
  });
});
