import type { EdgeContext } from '../../../src/connector/connector.js';
import { ageBand, birthYear } from '../../../src/stages/age-band.js';
import { normaliseBsn } from '../../../src/stages/bsn.js';
import { arbeidsmarktregioCodes } from '../../../src/trajectory/codes.js';
import type { Subject } from '../../../src/trajectory/trajectory-record.js';
import type { PatientLookup } from '../item.js';
import { bsnSystems, patientSchema, type Patient } from '../source-schema.js';
import { issueRejection, type Refusal } from './refusal.js';

/**
 * From a resource's subject to the person pseudonym and the subject attributes (spec §3.1, edge
 * cases E01–E10, E15). The BSN is read, normalised and checked here and leaves only as the
 * pseudonym; name, address and telecom are never copied anywhere.
 */
export type SubjectTarget =
  | { readonly kind: 'contained'; readonly id: string }
  /** `base` is the FHIR base of an absolute reference (`http://host/fhir`), absent for a relative one. */
  | { readonly kind: 'patient'; readonly id: string; readonly base?: string }
  | { readonly kind: 'identifier' }
  | { readonly kind: 'other' }
  | { readonly kind: 'none' };

const patientReference = /^(?:(https?:\/\/[^?#]+?)\/)?Patient\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/;

/** Where a reference points (E08, E09): relative, absolute, versioned, contained or identifier-only. */
export function subjectTarget(reference: unknown): SubjectTarget {
  if (typeof reference !== 'object' || reference === null) return { kind: 'none' };
  const { reference: ref, identifier } = reference as { reference?: unknown; identifier?: unknown };
  if (typeof ref === 'string' && ref !== '') {
    if (ref.startsWith('#')) return ref.length > 1 ? { kind: 'contained', id: ref.slice(1) } : { kind: 'other' };
    const match = patientReference.exec(ref);
    if (!match) return { kind: 'other' };
    return match[1] !== undefined ? { kind: 'patient', id: match[2] ?? '', base: match[1] } : { kind: 'patient', id: match[2] ?? '' };
  }
  return typeof identifier === 'object' && identifier !== null ? { kind: 'identifier' } : { kind: 'none' };
}

const bsnExpected = `a BSN identifier (system ${bsnSystems.join(' or ')})`;

interface BsnFinding {
  readonly valid: Set<string>;
  invalidField?: string;
}

function collectBsn(finding: BsnFinding, system: string | undefined, value: string | undefined, field: string): void {
  if (system === undefined || !(bsnSystems as readonly string[]).includes(system)) return;
  const result = normaliseBsn(value);
  // An identifier with a BSN system but no value is ignored (E06); an invalid one only counts if no valid one exists.
  if (result.ok) finding.valid.add(result.bsn);
  else if (result.reason === 'bsn-invalid') finding.invalidField ??= field;
}

export interface Person {
  readonly person: string;
  readonly patient?: Patient;
}

interface SubjectReference {
  readonly reference?: string | undefined;
  readonly identifier?: { readonly system?: string | undefined; readonly value?: string | undefined } | undefined;
}

/**
 * The pseudonym of the person a resource is about. `field` is the element holding the reference
 * (`subject`, `patient`). Fails with `bsn-missing`, `bsn-invalid`, `bsn-conflict` (E01, E02, E07)
 * or `subject-unresolvable` (E10) and the field path.
 */
export function resolvePerson(
  reference: SubjectReference | undefined,
  field: string,
  contained: readonly unknown[] | undefined,
  lookup: PatientLookup,
  context: EdgeContext,
): Person | Refusal {
  const target = subjectTarget(reference);
  if (target.kind === 'none') return { stage: 'validate', reason: 'required-missing', field, expected: 'a reference to the Patient' };
  if (target.kind === 'other') {
    return { stage: 'pseudonymise', reason: 'subject-unresolvable', field: `${field}.reference`, expected: 'a Patient reference (relative, absolute, versioned or contained)' };
  }
  let patient: Patient | undefined;
  let prefix = 'Patient.';
  if (target.kind === 'contained') {
    const index = (contained ?? []).findIndex((r) => typeof r === 'object' && r !== null && (r as { id?: unknown }).id === target.id);
    if (index < 0) return { stage: 'pseudonymise', reason: 'subject-unresolvable', field: `${field}.reference`, expected: 'a contained Patient with that id' };
    prefix = `contained[${index}].`;
    const parsed = patientSchema.safeParse(contained?.[index]);
    if (!parsed.success) return issueRejection(parsed.error, contained?.[index], prefix);
    patient = parsed.data;
  } else if (target.kind === 'patient') {
    if (lookup.kind !== 'found') {
      return { stage: 'pseudonymise', reason: 'subject-unresolvable', field: `${field}.reference`, expected: 'a Patient the EPD can return (included or read)' };
    }
    const parsed = patientSchema.safeParse(lookup.resource);
    if (!parsed.success) return issueRejection(parsed.error, lookup.resource, prefix);
    patient = parsed.data;
  }

  const finding: BsnFinding = { valid: new Set() };
  (patient?.identifier ?? []).forEach((id, i) => collectBsn(finding, id.system, id.value, `${prefix}identifier[${i}].value`));
  collectBsn(finding, reference?.identifier?.system, reference?.identifier?.value, `${field}.identifier.value`);
  const [bsn, ...others] = [...finding.valid];
  if (others.length > 0) return { stage: 'pseudonymise', reason: 'bsn-conflict', field: patient ? `${prefix}identifier` : `${field}.identifier`, expected: 'one BSN per person' };
  if (bsn === undefined && finding.invalidField !== undefined) {
    return { stage: 'pseudonymise', reason: 'bsn-invalid', field: finding.invalidField, expected: 'a BSN of 9 digits (or 8 with the leading zero lost) passing the 11-proef' };
  }
  if (bsn === undefined) return { stage: 'pseudonymise', reason: 'bsn-missing', field: patient ? `${prefix}identifier` : `${field}.identifier`, expected: bsnExpected };
  return patient ? { person: context.pseudonymiser.person(bsn), patient } : { person: context.pseudonymiser.person(bsn) };
}

// Only the residence counts (spec §3.1); a work, billing or old address says nothing about it.
const residenceUses = [undefined, 'home', 'temp'];

function gemeenteOf(patient: Patient | undefined, context: EdgeContext): string | undefined {
  const addresses = (patient?.address ?? []).filter((a) => residenceUses.includes(a.use));
  const ordered = [...addresses.filter((a) => a.use === 'home'), ...addresses.filter((a) => a.use !== 'home')];
  for (const address of ordered) {
    // nl-core puts the gemeente name in `district`; `city` is the woonplaats, often but not always the gemeente.
    const code =
      (address.district ? context.gemeenteCodeOfName(address.district) : undefined) ??
      (address.city ? context.gemeenteCodeOfName(address.city) : undefined) ??
      (address.postalCode && context.gemeenteCodeOfPostalCode ? context.gemeenteCodeOfPostalCode(address.postalCode.replace(/\s/g, '').toUpperCase()) : undefined);
    if (code !== undefined && /^[0-9]{4}$/.test(code)) return code;
  }
  return undefined;
}

/** `subject` of a draft on `asOf`: age band (E15), birth year only when asked, gemeente and region. */
export function subjectOf(patient: Patient | undefined, asOf: string, context: EdgeContext): Subject {
  const gemeente = gemeenteOf(patient, context);
  const region = gemeente !== undefined ? context.regionOfGemeente(gemeente) : undefined;
  const year = context.keepBirthYear ? birthYear(patient?.birthDate) : undefined;
  return {
    as_of: asOf,
    age_band: ageBand(patient?.birthDate, asOf),
    ...(year !== undefined && year >= 1900 && year <= 2100 ? { birth_year: year } : {}),
    ...(gemeente !== undefined ? { gemeente_code: gemeente } : {}),
    ...(region !== undefined && (arbeidsmarktregioCodes as readonly string[]).includes(region)
      ? { arbeidsmarktregio_code: region as Subject['arbeidsmarktregio_code'] }
      : {}),
  };
}
