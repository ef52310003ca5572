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
  /** The key being rotated away from, during a rotation window (`docs/privacy/key-rotation.md`). */
  readonly #previous: Pseudonymiser | undefined;
  /** new → previous pseudonym, for a pseudonymiser made by {@link remembering}; pseudonyms only. */
  readonly #remembered: Map<string, string> | undefined;

  constructor(key: PseudonymKey, previous?: PseudonymKey, remember = false) {
    if (!keyIdPattern.test(key.keyId)) throw new TypeError('key id: expected 1–32 lower-case letters, digits and "-"');
    if (key.key.length < 32) throw new TypeError('key: expected at least 32 bytes');
    // The key id is the only thing that tells the two apart in a stored pseudonym: a rotation to
    // the same id would make old and new pseudonyms of other persons indistinguishable.
    if (previous !== undefined && previous.keyId === key.keyId) throw new TypeError('previous key id: expected another id than the current key');
    this.keyId = key.keyId;
    this.#key = Buffer.from(key.key);
    this.#previous = previous === undefined ? undefined : new Pseudonymiser(previous);
    this.#remembered = remember && previous !== undefined ? new Map() : undefined;
  }

  /** The previous key's id during a rotation window, else undefined. */
  get previousKeyId(): string | undefined {
    return this.#previous?.keyId;
  }

  /**
   * A pseudonymiser with the same keys whose `person()` also remembers, during a rotation window,
   * the pseudonym under the previous key (see {@link previousPseudonyms}). Make one per page: the
   * memory is dropped with it, and holds pseudonyms only, never a BSN. Outside a window it
   * remembers nothing.
   */
  remembering(): Pseudonymiser {
    return new Pseudonymiser({ keyId: this.keyId, key: this.#key }, this.#previous === undefined ? undefined : { keyId: this.#previous.keyId, key: this.#previous.#key }, true);
  }

  /** new → previous pseudonym of every person this remembering pseudonymiser pseudonymised. */
  previousPseudonyms(): ReadonlyMap<string, string> {
    return new Map(this.#remembered ?? []);
  }

  /** The pseudonym under the previous key during a rotation window, else undefined. */
  previousPerson(normalisedBsn: string): string | undefined {
    return this.#previous?.person(normalisedBsn);
  }

  /** `ps1:<keyid>:<base64url(HMAC-SHA-256(key, 'werkbrug/ps1/bsn:' + bsn))>`; `bsn` already normalised. */
  person(normalisedBsn: string): string {
    const mac = createHmac('sha256', this.#key).update(`werkbrug/ps1/bsn:${normalisedBsn}`, 'utf8').digest('base64url');
    const pseudonym = `ps1:${this.keyId}:${mac}`;
    if (this.#remembered !== undefined && this.#previous !== undefined) this.#remembered.set(pseudonym, this.#previous.person(normalisedBsn));
    return pseudonym;
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
