import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ControlApi } from './control-api.js';
import { deliver, errorAnswer } from './fault-delivery.js';
import { parseFaultHeader, type Fault, type FaultBook, type RequestDescriptor } from './fault-rules.js';
import { withHeaders, type PreparedResponse, type WireFormat } from './prepared-response.js';
import type { RequestJournal } from './request-journal.js';

/**
 * The HTTP plumbing every sandbox shares (node:http, no framework): body reading, the control
 * API under `/__control`, bearer auth, `X-Request-ID` echo, fault rules and the `X-Sandbox-Fault`
 * header, and the journal. A partner sandbox supplies only its {@link SandboxHandler} and
 * {@link WireFormat}.
 */
export interface SandboxRequest {
  readonly method: string;
  readonly url: URL;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly requestId?: string;
}

export interface SandboxHandler {
  /** Operation, BSN, paging and resource path of a request, for fault matching and the journal. */
  describe(request: SandboxRequest): Omit<RequestDescriptor, 'method' | 'path'>;
  /** The answer; `fault` is passed for the faults that shape it (`expire-paging`, SOAP faults). */
  handle(request: SandboxRequest, fault: Fault | undefined): PreparedResponse | Promise<PreparedResponse>;
}

export interface SandboxServerOptions {
  readonly host: string;
  readonly port: number;
  readonly token: string;
  readonly format: WireFormat;
  readonly handler: SandboxHandler;
  readonly control: ControlApi;
  readonly faults: FaultBook<PreparedResponse>;
  readonly journal: RequestJournal;
  /** Request bodies above this are refused with 413 (control PUTs of large resources fit). */
  readonly maxBodyBytes?: number;
}

export interface RunningSandboxServer {
  /** Origin, e.g. `http://127.0.0.1:54321`. */
  readonly url: string;
  readonly port: number;
  /** Stops listening and cuts every open connection, hung ones included. */
  close(): Promise<void>;
}

const REQUEST_ID = /^[\x21-\x7e]{1,200}$/;

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > limit) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  const payload = body === undefined ? Buffer.alloc(0) : Buffer.from(`${JSON.stringify(body, null, 2)}\n`, 'utf8');
  res.writeHead(status, { ...(body === undefined ? {} : { 'Content-Type': 'application/json; charset=utf-8' }), ...headers, 'Content-Length': String(payload.length) });
  res.end(payload);
}

/** Path segments, decoded; undefined when a percent-escape is malformed. */
export function decodeSegments(path: string): string[] | undefined {
  try {
    return path.split('/').filter(Boolean).map((segment) => decodeURIComponent(segment));
  } catch {
    return undefined;
  }
}

function bearerMatches(authorization: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
  return match?.[1]?.trim() === token;
}

export async function startSandboxServer(options: SandboxServerOptions): Promise<RunningSandboxServer> {
  const { format, handler, faults, journal } = options;
  const sockets = new Set<Socket>();
  let lastAnswer: PreparedResponse | undefined;

  const partnerRequest = async (request: SandboxRequest, res: ServerResponse): Promise<void> => {
    const descriptor: RequestDescriptor = { method: request.method, path: request.path, ...handler.describe(request) };
    const header = request.headers['x-sandbox-fault'];
    let fault: Fault | undefined;
    let source: string | undefined;
    let matched: readonly string[] = [];
    if (typeof header === 'string') {
      const parsed = parseFaultHeader(header);
      if (!parsed.success || !faults.supported.has(parsed.data.type)) {
        const answer = format.nativeError(400, { message: 'X-Sandbox-Fault is not a fault this sandbox knows (see partners/README.md §3.1)' });
        const finish = journal.start({ ...descriptor, ...(request.requestId ? { requestId: request.requestId } : {}) });
        const result = await deliver(res, answer, undefined, format);
        finish(result.status, result.outcome);
        return;
      }
      fault = parsed.data;
      source = 'header';
    } else {
      const evaluation = faults.evaluate(descriptor);
      fault = evaluation.fault;
      source = evaluation.ruleId;
      matched = evaluation.matched;
    }

    const finish = journal.start(
      { ...descriptor, ...(request.requestId ? { requestId: request.requestId } : {}) },
      fault && source ? { type: fault.type, source } : null,
    );
    let answer: PreparedResponse;
    const cutBeforeHeaders = fault?.type === 'hang' || (fault?.type === 'reset' && fault.afterBytes === undefined);
    if (fault?.type === 'http-error') {
      answer = errorAnswer(fault, format);
    } else if (cutBeforeHeaders) {
      answer = { status: 0, headers: {}, body: Buffer.alloc(0) };
    } else {
      const repeated = fault?.type === 'repeat-page' ? (source === 'header' ? lastAnswer : source ? faults.previous(source) : undefined) : undefined;
      if (repeated) {
        answer = repeated;
      } else {
        try {
          answer = bearerMatches(request.headers.authorization, options.token) ? await handler.handle(request, fault) : format.unauthorized();
        } catch (error) {
          process.stderr.write(`sandbox: handler failed on ${request.method} ${request.path}: ${error instanceof Error ? error.name : 'error'}\n`);
          answer = format.nativeError(500, { message: 'internal sandbox error' });
        }
        faults.remember(matched, answer);
        lastAnswer = answer;
      }
    }
    if (request.requestId) answer = withHeaders(answer, { 'X-Request-ID': request.requestId });
    const result = await deliver(res, answer, fault, format);
    finish(result.status, result.outcome);
  };

  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req, options.maxBodyBytes ?? 32 * 1024 * 1024);
      const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
      if (body === undefined) {
        sendJson(res, 413, { error: 'request body too large' });
        return;
      }
      const requestIdHeader = req.headers['x-request-id'];
      const requestId = typeof requestIdHeader === 'string' && REQUEST_ID.test(requestIdHeader) ? requestIdHeader : undefined;
      const method = (req.method ?? 'GET').toUpperCase();
      if (url.pathname === '/__control' || url.pathname.startsWith('/__control/')) {
        const segments = decodeSegments(url.pathname.slice('/__control'.length));
        const reply = segments
          ? await options.control({ method, segments, query: url.searchParams, body }, req.headers.authorization)
          : { status: 400, body: { error: 'the path has a malformed percent-escape' }, headers: {} };
        sendJson(res, reply.status, reply.body, { ...reply.headers, ...(requestId ? { 'X-Request-ID': requestId } : {}) });
        return;
      }
      await partnerRequest({ method, url, path: url.pathname, headers: req.headers, body, ...(requestId ? { requestId } : {}) }, res);
    })().catch((error: unknown) => {
      process.stderr.write(`sandbox: request failed: ${error instanceof Error ? error.name : 'error'}\n`);
      if (!res.headersSent) sendJson(res, 500, { error: 'internal sandbox error' });
      else res.destroy();
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  // Longer than any client's idle keep-alive: a server that closes an idle socket just as the
  // client reuses it answers that request with a reset (seen after a long synchronous ground truth).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.listen(options.port, options.host);
  await once(server, 'listening');
  const address: AddressInfo | string | null = server.address();
  if (address === null || typeof address === 'string') throw new Error('sandbox: the server has no TCP address');
  const { port } = address;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    port,
    close: async () => {
      const closed = once(server, 'close');
      server.close();
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
