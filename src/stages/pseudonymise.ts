import { createHmac } from 'node:crypto';

/**
 * Keyed pseudonyms (`shared/trajectory-format.md` §2, §4, §5): the only place the region key is
 * used. A `Pseudonymiser` is built once per process from the key the configuration loaded; it
 * never exposes the key, and none of its outputs can be reversed without it.
 */
export interface PseudonymKey {
  readonly keyId: string;
  readonly key: Buffer;
}

export const keyIdPattern = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;

export class Pseudonymiser {
  readonly keyId: string;
  readonly #key: Buffer;

  constructor(key: PseudonymKey) {
    if (!keyIdPattern.test(key.keyId)) throw new TypeError('key id: expected 1–32 lower-case letters, digits and "-"');
    if (key.key.length < 32) throw new TypeError('key: expected at least 32 bytes');
    this.keyId = key.keyId;
    this.#key = Buffer.from(key.key);
  }

  /** `ps1:<keyid>:<base64url(HMAC-SHA-256(key, 'werkbrug/ps1/bsn:' + bsn))>`; `bsn` already normalised. */
  person(normalisedBsn: string): string {
    const mac = createHmac('sha256', this.#key).update(`werkbrug/ps1/bsn:${normalisedBsn}`, 'utf8').digest('base64url');
    return `ps1:${this.keyId}:${mac}`;
  }

  /** `h1-` + 16 bytes of HMAC over `werkbrug/ref1/<partner>:<sourceKey>`, for source keys that are or hold a BSN. */
  referenceHash(partnerId: string, sourceKey: string): string {
    const mac = createHmac('sha256', this.#key).update(`werkbrug/ref1/${partnerId}:${sourceKey}`, 'utf8').digest();
    return `h1-${mac.subarray(0, 16).toString('base64url')}`;
  }

  /** `em1:` + 16 bytes of HMAC over `werkbrug/em1/lhnr:<loonheffingennummer>`. */
  employerKey(loonheffingennummer: string): string {
    const mac = createHmac('sha256', this.#key).update(`werkbrug/em1/lhnr:${loonheffingennummer}`, 'utf8').digest();
    return `em1:${mac.subarray(0, 16).toString('base64url')}`;
  }
}

/** A source key segment is hashed when it holds a run of exactly nine digits (a possible BSN). */
export function holdsNineDigitRun(value: string): boolean {
  return /(^|[^0-9])[0-9]{9}([^0-9]|$)/.test(value);
}
