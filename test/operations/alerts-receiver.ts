import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { alertBodySchema, type AlertBody } from '../../src/operations/alerts/alert-body.js';

/**
 * An alert webhook on loopback for the alert tests: it keeps every POST it answered 2xx to (the
 * alerts that arrived) and every request at all, and answers from a plan: `failNext(503, 3)`
 * answers the next three requests 503, then it takes them again.
 */
export interface ReceivedRequest {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}

export interface AlertReceiver {
  readonly url: string;
  /** Bodies of the requests answered 2xx, parsed with the documented schema, in arrival order. */
  readonly received: AlertBody[];
  /** Every request, answered or refused. */
  readonly requests: ReceivedRequest[];
  /** The next `times` requests are answered `status` (with `Retry-After` when given). */
  failNext(status: number, times: number, retryAfter?: string): void;
  /** Holds the next `times` requests without an answer until the client gives up. */
  hangNext(times: number): void;
  close(): Promise<void>;
}

export async function startAlertReceiver(): Promise<AlertReceiver> {
  const received: AlertBody[] = [];
  const requests: ReceivedRequest[] = [];
  const plan: Array<{ status: number; retryAfter?: string } | 'hang'> = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const step = plan.shift();
      if (step === 'hang') {
        requests.push({ status: 0, headers: request.headers, text });
        return;
      }
      const status = step?.status ?? 204;
      requests.push({ status, headers: request.headers, text });
      if (status >= 200 && status < 300) received.push(alertBodySchema.parse(JSON.parse(text)));
      response.writeHead(status, step?.retryAfter !== undefined ? { 'Retry-After': step.retryAfter } : {});
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/werkbrug`,
    received,
    requests,
    failNext(status, times, retryAfter) {
      for (let i = 0; i < times; i += 1) plan.push({ status, ...(retryAfter !== undefined ? { retryAfter } : {}) });
    },
    hangNext(times) {
      for (let i = 0; i < times; i += 1) plan.push('hang');
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
