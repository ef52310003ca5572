import { consentEdgeCases } from './edge-cases-consent.js';
import { identityEdgeCases } from './edge-cases-identity.js';
import { recordEdgeCases } from './edge-cases-records.js';
import type { EdgeCase, EdgeCaseSet, EdgeKit } from './edge-case-kit.js';

/**
 * Every edge case of `partners/ggz-fhir-r4.md` §7 the sandbox serves in the `edge-cases`
 * scenario, each with stable ids (`edge-NN-…`). Most are data; E26 and E29 are switched on by
 * `POST /__control/paging`, E17–E19 are completed by `PUT /__control/records` (see each case's
 * `control`), and E24 is an outcome entry on every first page.
 */
export type { EdgeCase, EdgeCaseSet, EdgeKit };

export function edgeCaseSet(kit: EdgeKit): EdgeCaseSet {
  const parts = [identityEdgeCases(kit), recordEdgeCases(kit), consentEdgeCases(kit)];
  const cases = parts.flatMap((part) => part.cases).sort((a, b) => Number(a.code.slice(1)) - Number(b.code.slice(1)));
  return { cases, versions: parts.flatMap((part) => part.versions) };
}

/** The case list without building data (for documentation and tests). */
export function edgeCaseList(): readonly EdgeCase[] {
  return edgeCaseSet({ anchorMs: Date.parse('2026-01-01T00:00:00+01:00'), todayDate: '2026-01-01' }).cases;
}

/** The OperationOutcome that E24 puts on the first page of every search. */
export const EDGE_24_OUTCOME_ID = 'edge-24-search-warning';
