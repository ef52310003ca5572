import { randomUUID } from 'node:crypto';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import axios, { AxiosError, AxiosHeaders } from 'axios';
import { safePath } from './safe-path.js';
import type { ErrorCode } from '../errors/catalog.js';
import { WerkbrugError } from '../errors/werkbrug-error.js';
import type { PartnerHttp, PartnerRequest, PartnerResponse } from './partner-http.js';

/**
 * The core's partner HTTP (`partners/README.md` §2.1, §2.5): bearer token, a fresh `X-Request-ID`,
 * an overall deadline per attempt, a body cap, allowed origins, and retries with exponential
 * back-off honouring Retry-After. Connectors only say how to read an answer (`classify`).
 *
 * Logs and errors name the method and path only: query strings can carry a BSN (the consent point
 * lookup, spec §5.1) and bodies carry everything. Axios errors are never attached as `cause`,
 * because they hold the request config with the token and the full URL.
 */
export interface PartnerHttpOptions {
  readonly partnerId: string;
  /** Origins (`http://host:port`) requests may go to; anything else is refused unsent. */
  readonly allowedOrigins: readonly string[];
  /** Bearer token; empty sends no Authorization header. */
  readonly token: string;
  /** Deadline of one attempt, connect to last body byte (a trickling body counts too). */
  readonly timeoutMs: number;
  /** Largest body accepted, before and after decompression; larger is an error of the page. */
  readonly maxBodyBytes: number;
  /** Retries after the first attempt for transient failures. */
  readonly retries: number;
  /** First back-off in ms; doubles per retry. */
  readonly baseDelayMs: number;
  /** Longest Retry-After honoured; longer ones are capped to this. */
  readonly maxRetryAfterSeconds: number;
  readonly logger?: { warn(obj: object, msg: string): void };
  /** How to wait between attempts; tests pass one that records the delay and resolves at once. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Told of every attempt, for metrics: how long it took and, when it failed, the error code. */
  readonly observer?: (attempt: { readonly durationMs: number; readonly code?: ErrorCode }) => void;
}

type Failure = WerkbrugError & { retryAfterSeconds?: number };

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function pathOf(url: URL): string {
  return safePath(url);
}

function lowerCaseHeaders(headers: unknown): Record<string, string> {
  const plain = headers instanceof AxiosHeaders ? headers.toJSON() : (headers as Record<string, unknown>);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(plain ?? {})) {
    if (value === undefined || value === null) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.map(String).join(', ') : String(value);
  }
  return out;
}

/** Decompresses a body with the cap applied to the output (a small gzip can expand without bound). */
function decode(body: Buffer, encoding: string | undefined, maxBytes: number): Buffer | 'too-large' | 'corrupt' {
  const coding = (encoding ?? 'identity').trim().toLowerCase();
  if (coding === 'identity' || coding === '') return body;
  try {
    const options = { maxOutputLength: maxBytes };
    if (coding === 'gzip' || coding === 'x-gzip') return gunzipSync(body, options);
    if (coding === 'deflate') return inflateSync(body, options);
    if (coding === 'br') return brotliDecompressSync(body, options);
  } catch (error) {
    return error instanceof RangeError || (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' ? 'too-large' : 'corrupt';
  }
  return 'corrupt';
}

export function createPartnerHttp(options: PartnerHttpOptions): PartnerHttp {
  const origins = new Set(options.allowedOrigins.map((o) => new URL(o).origin));
  const sleep = options.sleep ?? defaultSleep;
  const client = axios.create();
  const where = (url: URL, method: string, detail: string) => ({ partner: options.partnerId, detail: `${method} ${pathOf(url)}: ${detail}` });

  async function attempt(request: PartnerRequest, url: URL, method: 'GET' | 'POST'): Promise<PartnerResponse | Failure> {
    const controller = new AbortController();
    const deadline = setTimeout(() => controller.abort(), options.timeoutMs);
    const unreachable = (detail: string): Failure => new WerkbrugError('WB_PARTNER_UNREACHABLE', where(url, method, detail));
    try {
      const response = await client.request<ArrayBuffer>({
        // As given (paging links are followed verbatim, spec §4.2); `url` only vetted its origin.
        url: request.url,
        method,
        headers: {
          ...request.headers,
          ...(options.token !== '' ? { Authorization: `Bearer ${options.token}` } : {}),
          'X-Request-ID': randomUUID(),
          'Accept-Encoding': 'gzip, deflate, br',
        },
        ...(request.body !== undefined ? { data: request.body } : {}),
        responseType: 'arraybuffer',
        validateStatus: () => true,
        timeout: options.timeoutMs,
        signal: controller.signal,
        maxContentLength: options.maxBodyBytes,
        maxBodyLength: options.maxBodyBytes,
        // A redirect is handed to `classify`, never followed: it could lead off the allowed origins.
        maxRedirects: 0,
        // Decompressed here, so Content-Length can be checked on the bytes that travelled.
        decompress: false,
        transitional: { clarifyTimeoutError: true, silentJSONParsing: true, forcedJSONParsing: false },
      });
      const headers = lowerCaseHeaders(response.headers);
      const raw = Buffer.from(response.data ?? new ArrayBuffer(0));
      const announced = headers['content-length'];
      if (announced !== undefined && /^[0-9]+$/.test(announced) && Number(announced) !== raw.length) {
        return unreachable(`body truncated (${raw.length} of ${announced} bytes)`);
      }
      const body = decode(raw, headers['content-encoding'], options.maxBodyBytes);
      if (body === 'too-large') return new WerkbrugError('WB_PARTNER_RESPONSE_INVALID', where(url, method, `body larger than ${options.maxBodyBytes} bytes`));
      if (body === 'corrupt') return unreachable(`compressed body truncated or corrupt`);
      return { status: response.status, headers, body, url: request.url };
    } catch (error) {
      if (!(error instanceof AxiosError) && !axios.isCancel(error)) throw error;
      const code = (error as AxiosError).code ?? 'unknown';
      const message = (error as Error).message ?? '';
      if (code === AxiosError.ERR_BAD_RESPONSE && message.startsWith('maxContentLength')) {
        return new WerkbrugError('WB_PARTNER_RESPONSE_INVALID', where(url, method, `body larger than ${options.maxBodyBytes} bytes`));
      }
      if (controller.signal.aborted || code === 'ETIMEDOUT' || code === 'ECONNABORTED') return unreachable(`no complete answer within ${options.timeoutMs} ms`);
      if (code === AxiosError.ERR_BAD_RESPONSE) return unreachable('connection closed before the body was complete');
      // Only the error code: the message of a network error can repeat the URL.
      return unreachable(`network error ${/^[A-Z0-9_]{2,40}$/.test(code) ? code : 'unknown'}`);
    } finally {
      clearTimeout(deadline);
    }
  }

  function withPartner(error: Failure): Failure {
    if (error.where.partner !== undefined) return error;
    const enriched: Failure = new WerkbrugError(error.code, { ...error.where, partner: options.partnerId });
    if (error.retryAfterSeconds !== undefined) enriched.retryAfterSeconds = error.retryAfterSeconds;
    return enriched;
  }

  async function request(request: PartnerRequest): Promise<PartnerResponse> {
    const method = request.method ?? 'GET';
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      throw new WerkbrugError('WB_PARTNER_CONFIG_REJECTED', { partner: options.partnerId, field: 'url', expected: 'an absolute URL' });
    }
    if (!origins.has(url.origin)) {
      throw new WerkbrugError('WB_PARTNER_CONFIG_REJECTED', { partner: options.partnerId, field: 'url', expected: `a URL on ${[...origins].join(' or ') || 'an allowed origin'}`, got: url.origin });
    }
    for (let attemptNo = 0; ; attemptNo += 1) {
      const startedAt = performance.now();
      const outcome = await attempt(request, url, method);
      let failure: Failure;
      if (outcome instanceof WerkbrugError) failure = outcome;
      else {
        const classified = request.classify?.(outcome);
        if (classified === undefined) {
          options.observer?.({ durationMs: performance.now() - startedAt });
          return outcome;
        }
        failure = classified;
      }
      options.observer?.({ durationMs: performance.now() - startedAt, code: failure.code });
      failure = withPartner(failure);
      const bodyTooLarge = failure.code === 'WB_PARTNER_RESPONSE_INVALID' && outcome instanceof WerkbrugError;
      if (!failure.retryable || bodyTooLarge || attemptNo >= options.retries) throw failure;
      const delayMs =
        failure.retryAfterSeconds !== undefined
          ? Math.min(Math.max(failure.retryAfterSeconds, 0), options.maxRetryAfterSeconds) * 1000
          : options.baseDelayMs * 2 ** attemptNo;
      options.logger?.warn(
        { partner: options.partnerId, method, path: pathOf(url), attempt: attemptNo + 1, code: failure.code, ...(outcome instanceof WerkbrugError ? {} : { status: outcome.status }), delayMs },
        'partner request retried',
      );
      await sleep(delayMs);
    }
  }

  return { request };
}
