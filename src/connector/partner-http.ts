import type { WerkbrugError } from '../errors/werkbrug-error.js';

/**
 * Partner HTTP as a connector sees it. The core's implementation (`src/connector/axios-partner-http.ts`)
 * adds the bearer token, `X-Request-ID`, explicit timeouts, a body-size cap, the allowed origins
 * and retries with back-off; the connector only says how to read a response.
 */
export interface PartnerRequest {
  readonly url: string;
  readonly method?: 'GET' | 'POST';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /**
   * Classify a response: return undefined to accept it, or an error. A retryable error is retried
   * with back-off (honouring `retryAfterSeconds`); any other error is thrown at once.
   */
  readonly classify?: (response: PartnerResponse) => (WerkbrugError & { retryAfterSeconds?: number }) | undefined;
}

export interface PartnerResponse {
  readonly status: number;
  /** Header names lower-case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  readonly url: string;
}

export interface PartnerHttp {
  /**
   * Sends the request. Throws `WB_PARTNER_UNREACHABLE` for network errors, timeouts and truncated
   * bodies after the retries are spent, `WB_PARTNER_CONFIG_REJECTED` for a URL outside the allowed
   * origins (no request is sent), and whatever `classify` returns that is not retryable.
   */
  request(request: PartnerRequest): Promise<PartnerResponse>;
}
