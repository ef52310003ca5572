/**
 * A complete answer before it is put on the wire: faults (`fault-delivery.ts`) change how it is
 * sent, so handlers build the whole body first. Header names are as they go on the wire.
 */
export interface PreparedResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** What differs per partner wire format when the shared machinery answers on its behalf. */
export interface WireFormat {
  /** Partner name for health and logs: `ggz`, `gemeente`, `uwv`. */
  readonly partner: string;
  /** The partner's native error body (FHIR OperationOutcome, SOAP Fault) with that status. */
  nativeError(status: number, options?: { message?: string; retryAfterSeconds?: number }): PreparedResponse;
  /** 401 for a missing or wrong bearer token, with `WWW-Authenticate: Bearer`. */
  unauthorized(): PreparedResponse;
  /** A syntactically broken body of about the same length (JSON or XML that fails to parse). */
  malform(body: Buffer): Buffer;
}

export function withHeaders(response: PreparedResponse, headers: Readonly<Record<string, string>>): PreparedResponse {
  return { ...response, headers: { ...response.headers, ...headers } };
}

/** What a reverse proxy in front of the partner sends: HTML, not the partner's format. */
export function htmlErrorPage(status: number): PreparedResponse {
  const body = Buffer.from(
    `<!DOCTYPE html>\n<html><head><title>${status} Error</title></head><body><center><h1>${status} Error</h1></center><hr><center>nginx</center></body></html>\n`,
    'utf8',
  );
  return { status, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body };
}
