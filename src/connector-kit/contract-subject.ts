import type { Connector, PullContext } from '../connector/connector.js';
import type { Pseudonymiser } from '../stages/pseudonymise.js';
import type { QuarantineReason } from '../trajectory/codes.js';

/**
 * What a connector hands the contract kit (`src/connector-kit/`): its sandbox, how to point the
 * connector at it, and what the sandbox's ground truth says a pull must return. Every connector
 * folder exports one as `contractSubject` from `connectors/<id>/contract.ts`; the kit's checks are
 * written once against this interface (`werkbrug connector test <id>`, and `npm test` for all).
 */
export interface ContractSubject<Config = unknown> {
  readonly connector: Connector<Config, unknown>;
  /** `soap` subjects get the `soap-fault` check with {@link transientSoapFaultCode}. */
  readonly kind: 'fhir' | 'soap' | 'rest';
  /** Starts the connector's own sandbox on a free loopback port. */
  startSandbox(options: KitSandboxOptions): Promise<KitSandbox>;
  /**
   * Connector settings that point at the sandbox. `pageSize` overrides the page size (persons per
   * page for a per-person connector). `tokenEnv` names the variable the kit sets to the token.
   */
  settings(sandbox: KitSandbox, options: { pageSize?: number; tokenEnv: string }): Config;
  /** For `asksPerPerson` connectors: the persons to ask about, from the sandbox's cast and caseload. */
  pullContext?(sandbox: KitSandbox, pseudonymiser: Pseudonymiser): PullContext;
  /** What a full pull of every stream must emit, from the sandbox's ground truth. */
  expected(sandbox: KitSandbox, pseudonymiser: Pseudonymiser): KitExpectation;
  /**
   * Changes `count` records at the source through the control API (and moves the sandbox clock if
   * it must), and returns the `record_key`s that must come back from the next pull as new versions.
   */
  mutate(sandbox: KitSandbox, count: number): Promise<readonly string[]>;
  /** A fault rule `match` that hits the data requests of `stream` (e.g. `{ path: '/fhir/EpisodeOfCare' }`). */
  faultMatch(stream: string): { method?: string; path?: string; operation?: string };
  /** A code the sandbox's `soap-fault` maps to a transient fault (`StUF049`, `FWI0001`). SOAP subjects only. */
  readonly transientSoapFaultCode?: string;
  /** How many records the small scenario the paging checks use holds, per stream (for page-size choices). */
  readonly smallScenarioPersons: number;
  /**
   * The partner id of the kit's `EdgeContext` (default {@link kitPartnerId}). `expected()` and
   * `mutate()` build `record_ref`s and `record_key`s with it, since a reference names its partner.
   */
  readonly partnerId?: string;
}

export interface KitSandboxOptions {
  readonly scenario: 'default' | 'edge-cases';
  /** Persons in all, cast included (subjects may round up to their cast). */
  readonly persons?: number;
  /** Serve nothing at all (every stream empty). */
  readonly empty?: boolean;
  /** Plant canaries (clear identifiers) in served records; `canaries()` lists them. */
  readonly canaries?: boolean;
  /** Start instant of the sandbox's virtual clock (ISO 8601 with offset). */
  readonly now: string;
}

export interface KitSandbox {
  /** Origin, e.g. `http://127.0.0.1:54321`. */
  readonly url: string;
  readonly token: string;
  readonly controlToken: string;
  /** Clear identifiers planted or served (BSNs in every written form, names, addresses, birth dates, free text). */
  canaries(): readonly string[];
  close(): Promise<void>;
}

export interface KitExpectation {
  /** The `record_ref` of every record a full pull must emit (live records and tombstones), once each. */
  readonly recordRefs: readonly string[];
  /** Every record the edge must quarantine: its source reference and reason. */
  readonly rejections: readonly { readonly sourceRef: string; readonly reason: QuarantineReason }[];
}

/**
 * The partner id of the `EdgeContext` the kit runs every edge with, unless the subject names its
 * own (`ContractSubject.partnerId`). `expected()` and `mutate()` build `record_ref`s and
 * `record_key`s with it (`kit-partner:EpisodeOfCare/…`), because a reference names its partner.
 */
export const kitPartnerId = 'kit-partner';
