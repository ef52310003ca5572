import type { z } from 'zod';
import type { codeableConceptSchema, codingSchema, extensionSchema } from '../source-schema.js';
import type { Refusal } from './refusal.js';

/**
 * The werkbrug-defined code systems and extensions of spec §2. They are opaque identifiers,
 * compared as exact strings.
 */
const cs = 'https://werkbrug.example/fhir/CodeSystem/';
const sd = 'https://werkbrug.example/fhir/StructureDefinition/';

export const codeSystems = {
  ips: `${cs}ips`,
  purpose: `${cs}purpose`,
  consentCategory: `${cs}consent-category`,
  referrerType: `${cs}referrer-type`,
  consentForm: `${cs}consent-form`,
  outcome: `${cs}outcome`,
  fundingStream: `${cs}funding-stream`,
  arbeidsmarktregio: 'https://werkbrug.example/fhir/NamingSystem/arbeidsmarktregio',
  consentScope: 'http://terminology.hl7.org/CodeSystem/consentscope',
  consentAction: 'http://terminology.hl7.org/CodeSystem/consentaction',
  participationType: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
} as const;

export const extensionUrls = {
  referrerType: `${sd}referrer-type`,
  fundingStream: `${sd}ips-funding-stream`,
  firstEmployerContact: `${sd}ips-first-employer-contact`,
  workStartReported: `${sd}ips-work-start-reported`,
  endReason: `${sd}ips-end-reason`,
  plannedEnd: `${sd}ips-planned-end`,
  extension: `${sd}ips-extension`,
  educationStart: `${sd}ips-education-start`,
  inWorkAtStart: `${sd}ips-in-work-at-start`,
  consentForm: `${sd}consent-form`,
} as const;

type Extension = z.infer<typeof extensionSchema>;
type Coding = z.infer<typeof codingSchema>;
type CodeableConcept = z.infer<typeof codeableConceptSchema>;

export interface FoundExtension {
  readonly extension: Extension;
  /** `extension[2]`, for rejections. */
  readonly field: string;
}

/** The one extension with this URL (spec §2: at most one of each), undefined, or a refusal. */
export function singleExtension(extensions: readonly Extension[] | undefined, url: string): FoundExtension | undefined | Refusal {
  // A loop rather than flatMap: this runs for every werkbrug extension of every resource.
  let found: FoundExtension | undefined;
  const list = extensions ?? [];
  for (let i = 0; i < list.length; i += 1) {
    const extension = list[i];
    if (extension?.url !== url) continue;
    if (found !== undefined) return { stage: 'validate', reason: 'invalid-value', field: `extension[${i}]`, expected: `at most one extension ${url}` };
    found = { extension, field: `extension[${i}]` };
  }
  return found;
}

/** A Coding of the named system whose code is in `codes`; a wrong system or code is `unknown-code`. */
export function codeFrom<const T extends readonly string[]>(
  coding: Coding | undefined,
  system: string,
  codes: T,
  field: string,
): T[number] | Refusal {
  if (coding?.system !== system || coding.code === undefined || !codes.includes(coding.code)) {
    return { stage: 'validate', reason: 'unknown-code', field, expected: `a Coding of ${system} (${codes.join(', ')})` };
  }
  return coding.code as T[number];
}

/** True when one of the concepts carries one of the `system|code` tokens. */
export function carriesToken(concepts: readonly CodeableConcept[], tokens: readonly string[]): boolean {
  return concepts.some((concept) => (concept.coding ?? []).some((c) => tokens.includes(`${c.system ?? ''}|${c.code ?? ''}`)));
}

export function hasCoding(concept: CodeableConcept | undefined, system: string, code: string): boolean {
  return (concept?.coding ?? []).some((c) => c.system === system && c.code === code);
}
