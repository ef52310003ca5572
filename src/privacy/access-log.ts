import { pseudonymSchema } from '../trajectory/trajectory-record.js';
import { passesElfproef } from '../stages/bsn.js';
import type { AccessLogEntry, Store } from '../store/store.js';

/**
 * The access log in the spirit of NEN 7513: every werkbrug command that shows privacy data
 * (a person's consent history, a proof, an access request, an export, a list of erasures) records
 * here who looked, at whose data, on whose behalf and under which authorisation — before it hands
 * the data out, so an access that fails half-way is still on record.
 *
 * The log is a hash chain of its own in the store (`access_log`, migration 009), append-only in
 * the database and verified with `werkbrug privacy access-log verify`. It holds pseudonyms, codes,
 * counts and references only: a BSN is refused (see {@link assertNoClearIdentifier}).
 */
export interface AccessEvent {
  /** 'consent-explain', 'consent-prove', 'consent-log', 'access-request', 'audit-export', 'erasure-list', … */
  readonly event: string;
  /** The pseudonym whose data was accessed; null for a period query. */
  readonly person: string | null;
  /** Who: --user, else the OS user name. */
  readonly user: string;
  /** --on-behalf-of (e.g. "FG ggz-altrecht"). */
  readonly onBehalfOf: string | null;
  /** --authorisation (a request or mandate reference). */
  readonly authorisation: string | null;
  /** Counts, periods, refs; never clear identifiers. */
  readonly detail?: Readonly<Record<string, string | number>>;
}

/** A reference to an access-log entry, like `cl1:` for the consent log. */
export const accessLogRef = (entry: Pick<AccessLogEntry, 'hash'>): string => `al1:${entry.hash}`;

// Digits with the separators people type into a BSN; 8 digits are a BSN that lost its leading zero.
// Not inside a word, hash or uuid (letters, '_' and '-' around it): a hex hash often holds a run of
// digits, and refusing a `cl1:` reference by chance would make the log unusable.
const bsnShaped = /(?<![0-9A-Za-z_-])[0-9](?:[\s.]?[0-9]){7,8}(?![0-9A-Za-z_-])/g;

/** True when `text` holds a run of 8–9 digits (spaces and dots allowed) that passes the 11-proef. */
export function containsBsnLike(text: string): boolean {
  for (const match of text.matchAll(bsnShaped)) {
    const digits = match[0].replace(/[\s.]/g, '');
    if (passesElfproef(digits.length === 8 ? `0${digits}` : digits)) return true;
  }
  return false;
}

/**
 * The access log must not become the place where a BSN leaks: a user typing one into
 * --authorisation, or a caller putting one in detail, is refused. Names the field, never the value.
 */
export function assertNoClearIdentifier(event: AccessEvent): void {
  // Whose data: a pseudonym or nothing. Anything else (a BSN typed where a pseudonym belongs)
  // would stay in an append-only, chained table for good.
  if (event.person !== null && !pseudonymSchema.safeParse(event.person).success) {
    throw new Error('the access log refuses person: expected a ps1 pseudonym (never a BSN or a name)');
  }
  const fields: [string, string | null][] = [
    ['event', event.event], ['user', event.user], ['onBehalfOf', event.onBehalfOf], ['authorisation', event.authorisation],
    // Numbers are counts; a string may be anything a caller passed on.
    ...Object.entries(event.detail ?? {}).flatMap(([key, value]): [string, string][] => (typeof value === 'string' ? [[`detail.${key}`, value]] : [])),
  ];
  for (const [field, value] of fields) {
    if (value !== null && containsBsnLike(value)) {
      throw new Error(`the access log refuses ${field}: it looks like a BSN, and the access log holds pseudonyms and references only`);
    }
  }
}

/**
 * Records one access in the access log, chained after the last entry, in its own transaction.
 * Throws when the event carries something BSN-shaped or the store refuses; callers let that fail
 * the command, because data shown without a record of it is what NEN 7513 forbids.
 */
export async function recordAccess(store: Store, event: AccessEvent, at: Date): Promise<void> {
  await recordAccessEntry(store, event, at);
}

/** {@link recordAccess}, returning the stored entry (its seq and `al1:` hash) for the command to show. */
export async function recordAccessEntry(store: Store, event: AccessEvent, at: Date): Promise<AccessLogEntry> {
  assertNoClearIdentifier(event);
  return store.appendAccessLog({
    event: event.event,
    at: at.toISOString(),
    person: event.person,
    user: event.user,
    onBehalfOf: event.onBehalfOf,
    authorisation: event.authorisation,
    ...(event.detail === undefined ? {} : { detail: { ...event.detail } }),
  });
}
