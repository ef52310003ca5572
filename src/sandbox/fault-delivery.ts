import type { ServerResponse } from 'node:http';
import type { Fault } from './fault-rules.js';
import { htmlErrorPage, type PreparedResponse, type WireFormat } from './prepared-response.js';

/** How an answer ended, for the request journal. */
export interface DeliveryResult {
  /** The status line sent, or null when none was (hang, reset before the headers). */
  readonly status: number | null;
  readonly outcome: 'sent' | 'client-closed' | 'hang' | 'reset' | 'truncated';
}

/** The answer an `http-error` fault puts in place of the real one. */
export function errorAnswer(fault: Extract<Fault, { type: 'http-error' }>, format: WireFormat): PreparedResponse {
  const base =
    fault.body === 'html'
      ? htmlErrorPage(fault.status)
      : fault.body === 'empty'
        ? { status: fault.status, headers: {}, body: Buffer.alloc(0) }
        : format.nativeError(fault.status, { ...(fault.message ? { message: fault.message } : {}), ...(fault.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: fault.retryAfterSeconds }) });
  if (fault.retryAfterSeconds === undefined) return base;
  return { ...base, headers: { ...base.headers, 'Retry-After': String(fault.retryAfterSeconds) } };
}

function replaceContentType(headers: Readonly<Record<string, string>>, contentType: string): Record<string, string> {
  const rest = Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'content-type'));
  return { ...rest, 'Content-Type': contentType };
}

/**
 * Puts an answer on the wire with a fault applied (`format` breaks the body for `malformed`).
 * Resolves when the exchange is over: sent, cut off by the sandbox, or given up by the client (a
 * `hang` only ends that way, or on close). Timers stop when the client goes away, so a closed
 * sandbox leaves nothing running.
 */
export function deliver(res: ServerResponse, answer: PreparedResponse, fault: Fault | undefined, format: WireFormat): Promise<DeliveryResult> {
  return new Promise((resolve) => {
    const timers = new Set<NodeJS.Timeout>();
    let settled = false;
    let cutOff: DeliveryResult['outcome'] | undefined;
    const settle = (result: DeliveryResult): void => {
      if (settled) return;
      settled = true;
      for (const timer of timers) clearTimeout(timer);
      resolve(result);
    };
    res.once('finish', () => settle({ status: res.statusCode, outcome: 'sent' }));
    res.once('close', () =>
      settle({ status: res.headersSent ? res.statusCode : null, outcome: cutOff ?? (fault?.type === 'hang' ? 'hang' : 'client-closed') }),
    );

    const head = (response: PreparedResponse, close = false): void => {
      // A connection the sandbox is about to cut must not go back into the client's keep-alive pool.
      res.writeHead(response.status, { ...response.headers, 'Content-Length': String(response.body.length), ...(close ? { Connection: 'close' } : {}) });
    };
    const send = (response: PreparedResponse): void => {
      head(response);
      res.end(response.body);
    };
    const socket = res.socket;

    switch (fault?.type) {
      case 'delay':
        timers.add(setTimeout(() => send(answer), fault.ms));
        return;
      case 'slow-body': {
        head(answer);
        res.flushHeaders();
        const tickMs = Math.max(50, Math.ceil(1000 / fault.bytesPerSecond));
        const chunk = Math.max(1, Math.round((fault.bytesPerSecond * tickMs) / 1000));
        let offset = 0;
        const tick = (): void => {
          const next = answer.body.subarray(offset, offset + chunk);
          offset += next.length;
          if (offset >= answer.body.length) {
            res.end(next);
            return;
          }
          res.write(next);
          timers.add(setTimeout(tick, tickMs));
        };
        timers.add(setTimeout(tick, tickMs));
        return;
      }
      case 'hang':
        // Nothing is sent; the exchange ends when the client gives up or the sandbox closes.
        return;
      case 'reset':
        cutOff = 'reset';
        if (fault.afterBytes === undefined || !socket) {
          socket?.resetAndDestroy();
          return;
        }
        head(answer, true);
        res.flushHeaders();
        res.write(answer.body.subarray(0, fault.afterBytes), () => socket.resetAndDestroy());
        return;
      case 'truncate':
        cutOff = 'truncated';
        head(answer, true);
        res.flushHeaders();
        res.write(answer.body.subarray(0, Math.min(fault.bytes, answer.body.length)), () => socket?.end());
        return;
      case 'malformed':
        send({ ...answer, body: format.malform(answer.body) });
        return;
      case 'wrong-content-type':
        send({ ...answer, headers: replaceContentType(answer.headers, fault.contentType) });
        return;
      default:
        // http-error, repeat-page, expire-paging and the SOAP faults shape the answer before delivery.
        send(answer);
    }
  });
}
