/**
 * What `pull()` hands to `edge()` for one record. Items live only inside the edge process (they
 * hold the partner's resources in clear, BSN included) and never reach the queue: `edge()` turns
 * them into pseudonymised drafts first.
 */
export type GgzStream = 'Consent' | 'ServiceRequest' | 'EpisodeOfCare';
export const searchStreams: readonly GgzStream[] = ['Consent', 'ServiceRequest', 'EpisodeOfCare'];
export const deletionsStream = 'deletions';

/** How the Patient a resource points at was found (spec §4.2). */
export type PatientLookup =
  | { readonly kind: 'found'; readonly via: 'include' | 'read'; readonly resource: unknown }
  /** Read answered 404 or 410, or the reference points at another server (edge case E10). */
  | { readonly kind: 'unresolvable'; readonly why: 'not-found' | 'gone' | 'other-server' }
  /** Contained, identifier-only or no reference: the edge resolves it from the resource itself. */
  | { readonly kind: 'not-needed' };

export interface ResourceItem {
  readonly kind: 'resource';
  readonly stream: GgzStream;
  /** The match entry's resource as parsed JSON; validated by the edge. */
  readonly resource: unknown;
  readonly patient: PatientLookup;
  /** `system|code` tokens that identify IPS for this stream (werkbrug code plus configured aliases). */
  readonly codeTokens: readonly string[];
}

/** A `DELETE` entry of a type-level `_history` (spec §4.3): becomes a tombstone. */
export interface DeletionItem {
  readonly kind: 'deletion';
  readonly resourceType: GgzStream;
  readonly id: string;
  /** From `response.etag` (`W/"4"`) when the server gives one. */
  readonly versionId?: string;
  /** `response.lastModified` when given and valid. */
  readonly lastModified?: string;
}

export type GgzItem = ResourceItem | DeletionItem;
