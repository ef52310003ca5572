import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createControlApi, FaultBook, RequestJournal, startSandboxServer, VirtualClock,
  type PreparedResponse, type RunningSandboxServer, type WireFormat,
} from '../../src/sandbox/index.js';

// A toy XML partner: the shared machinery must work for a SOAP sandbox with its own native errors.
const xmlFormat: WireFormat = {
  partner: 'toy',
  nativeError: (status, options = {}) => ({
    status,
    headers: { 'Content-Type': 'text/xml; charset=utf-8', ...(options.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(options.retryAfterSeconds) }) },
    body: Buffer.from(`<Fault><faultcode>Server</faultcode><faultstring>${options.message ?? 'error'}</faultstring></Fault>`),
  }),
  unauthorized: () => ({ status: 401, headers: { 'Content-Type': 'text/xml; charset=utf-8', 'WWW-Authenticate': 'Bearer' }, body: Buffer.from('<Fault><faultcode>Client</faultcode></Fault>') }),
  malform: (body) => Buffer.concat([body.subarray(0, Math.max(0, body.length - 3)), Buffer.from('<</')]),
};

const records = new Map<string, string>();
let resets = 0;
let server: RunningSandboxServer;
const journal = new RequestJournal();

beforeAll(async () => {
  const clock = new VirtualClock('2025-06-02T09:00:00+02:00');
  const faults = new FaultBook<PreparedResponse>();
  const control = createControlApi({
    token: 'ctl', clock, faults, journal,
    target: {
      resetSchema: z.strictObject({ scenario: z.string().optional() }),
      health: () => ({ partner: 'toy', records: records.size }),
      reset: () => { resets += 1; records.clear(); },
      putRecord: (kind, id, body) => { records.set(`${kind}/${id}`, body.toString()); return { status: 201, body: { stored: `${kind}/${id}` } }; },
      deleteRecord: (kind, id) => (records.delete(`${kind}/${id}`) ? { status: 200, body: {} } : { status: 404, body: { error: 'none' } }),
    },
  });
  server = await startSandboxServer({
    host: '127.0.0.1', port: 0, token: 'partner', format: xmlFormat, faults, journal, control,
    handler: {
      describe: (request) => ({ operation: request.headers.soapaction === undefined ? 'none' : String(request.headers.soapaction).split('/').pop() ?? '' }),
      handle: () => ({ status: 200, headers: { 'Content-Type': 'text/xml; charset=utf-8' }, body: Buffer.from('<answer>ok</answer>') }),
    },
  });
});

afterAll(async () => {
  await server.close();
});

const partner = (headers: Record<string, string> = {}): Promise<Response> => fetch(`${server.url}/soap`, { headers: { Authorization: 'Bearer partner', ...headers } });
const control = (method: string, path: string, body?: unknown, token = 'ctl'): Promise<Response> =>
  fetch(`${server.url}/__control/${path}`, { method, headers: { Authorization: `Bearer ${token}` }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

describe('startSandboxServer', () => {
  it('answers partner requests with the token, echoes X-Request-ID and refuses without the token in the native format', async () => {
    const ok = await partner({ 'X-Request-ID': 'abc-123' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-request-id')).toBe('abc-123');
    expect(await ok.text()).toBe('<answer>ok</answer>');
    const refused = await fetch(`${server.url}/soap`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer');
    expect(await refused.text()).toContain('<faultcode>Client</faultcode>');
  });

  it('keeps /__control behind its own token', async () => {
    expect((await control('GET', 'health', undefined, 'partner')).status).toBe(401);
    expect(await (await control('GET', 'health')).json()).toEqual({ partner: 'toy', records: 0 });
    expect((await control('GET', 'nothing')).status).toBe(404);
    expect((await control('PATCH', 'health')).status).toBe(405);
    expect((await control('PUT', 'records/RIV/%E0%A4%A', '<object/>')).status).toBe(400);
  });

  it('arms a rule with a native error body, matches on the operation, and journals the fault', async () => {
    const armed = await control('POST', 'faults', { match: { operation: 'rivLv01' }, fault: { type: 'http-error', status: 500, message: 'StUF058' }, times: 1 });
    expect(armed.status).toBe(201);
    const { id } = z.object({ id: z.string() }).parse(await armed.json());
    expect((await partner({ SOAPAction: 'http://www.egem.nl/StUF/sector/pw/0301/rivLv01' })).status).toBe(500);
    expect((await partner({ SOAPAction: 'x/rivLv01' })).status).toBe(200);
    const entries = journal.list(2);
    expect(entries[0]).toMatchObject({ operation: 'rivLv01', status: 500, fault: { type: 'http-error', source: id } });
    expect(entries[1]).toMatchObject({ status: 200, fault: null });
  });

  it('applies a fault from the X-Sandbox-Fault header, and refuses one it does not know', async () => {
    const broken = await partner({ 'X-Sandbox-Fault': 'type=malformed' });
    expect(await broken.text()).toMatch(/<<\/$/);
    const unknown = await partner({ 'X-Sandbox-Fault': 'type=meltdown' });
    expect(unknown.status).toBe(400);
  });

  it('puts and deletes records through the target, and a reset clears faults, journal and data', async () => {
    expect((await control('PUT', 'records/RIV/12', '<object/>')).status).toBe(201);
    expect((await control('DELETE', 'records/RIV/13')).status).toBe(404);
    await control('POST', 'faults', { fault: { type: 'hang' } });
    expect((await control('POST', 'reset', { scenario: 'default' })).status).toBe(200);
    expect(resets).toBe(1);
    expect(await (await control('GET', 'faults')).json()).toEqual({ faults: [] });
    expect(await (await control('GET', 'requests')).json()).toEqual({ requests: [] });
    expect((await control('POST', 'reset', { colour: 'red' })).status).toBe(400);
  });
});
