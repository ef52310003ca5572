import type { EdgeContext } from '../../../src/connector/connector.js';
import type { ConsentDocument, ConsentProvision } from '../../../src/consent/consent-document.js';
import { consentForms, purposeCodes, type Purpose } from '../../../src/trajectory/codes.js';
import type { DraftRecord, SourceRef } from '../../../src/trajectory/trajectory-record.js';
import type { Consent, ConsentProvisionSource } from '../source-schema.js';
import { dateTimeAsCalendarDate, dateTimeAsInstant, parseInstant, amsterdamDate } from './dates.js';
import type { Person } from './patient.js';
import { isRefusal, type Refusal } from './refusal.js';
import { carriesToken, codeFrom, codeSystems, extensionUrls, hasCoding, singleExtension } from './werkbrug-codes.js';

/**
 * Consent → what the consent decision reads (`ConsentDocument`) and the `consent` payload that
 * proves it (spec §5). The edge only extracts; the core decides. Whatever this code does not
 * understand makes the document `understood: false`, which refuses every purpose (fail closed).
 */
type Problem = 'provision-without-type' | 'nested-provision-without-type' | 'nesting-too-deep' | 'too-many-exceptions' | 'scope-not-patient-privacy' | 'policy-missing' | 'unknown-modifier';

const recipientRoles = ['PRCP', 'IRCP'];

// Rule 8: unknown purpose codes (and v3 ActReason codings) are ignored, never an error.
function purposesOf(provision: ConsentProvisionSource): Purpose[] {
  const named = (provision.purpose ?? []).flatMap((c) =>
    c.system === codeSystems.purpose && (purposeCodes as readonly string[]).includes(c.code ?? '') ? [c.code as Purpose] : []);
  return [...new Set(named)].sort();
}

// Rule 7: only recipients count; when recipients are listed, the region must be one of them.
function regionAllowed(provision: ConsentProvisionSource, regionCode: string): boolean {
  const recipients = (provision.actor ?? []).filter((a) => (a.role.coding ?? []).some((c) => c.system === codeSystems.participationType && recipientRoles.includes(c.code ?? '')));
  return recipients.length === 0 || recipients.some((a) => a.reference.identifier?.system === codeSystems.arbeidsmarktregio && a.reference.identifier.value === regionCode);
}

function actionAllowed(provision: ConsentProvisionSource): boolean {
  const actions = provision.action ?? [];
  return actions.length === 0 || actions.some((a) => hasCoding(a, codeSystems.consentAction, 'disclose'));
}

function provisionOf(source: ConsentProvisionSource & { type: 'permit' | 'deny' }, field: string, fallbackStart?: string): ConsentProvision | Refusal {
  const named = purposesOf(source);
  const start = source.period?.start !== undefined ? dateTimeAsCalendarDate(source.period.start, 'start') : fallbackStart;
  if (source.period?.start !== undefined && start === undefined) return { stage: 'validate', reason: 'invalid-date', field: `${field}.period.start`, expected: 'a date with at least year and month' };
  const end = source.period?.end !== undefined ? dateTimeAsCalendarDate(source.period.end, 'end') : undefined;
  if (source.period?.end !== undefined && end === undefined) return { stage: 'validate', reason: 'invalid-date', field: `${field}.period.end`, expected: 'a date with at least year and month' };
  if (start !== undefined && end !== undefined && end < start) return { stage: 'validate', reason: 'invalid-period', field: `${field}.period.end`, expected: 'an end on or after the start' };
  return {
    type: source.type,
    // Rule 5: a deny naming no werkbrug purpose refuses all; a permit naming none permits nothing.
    purposes: source.type === 'deny' && named.length === 0 ? 'all' : named,
    ...(start !== undefined ? { periodStart: start } : {}),
    ...(end !== undefined ? { periodEnd: end } : {}),
  };
}

export interface ConsentReading {
  readonly document: ConsentDocument;
  /** The payload, when the consent names a werkbrug purpose in a state worth proving. */
  readonly payload?: NonNullable<DraftRecord['consent']>;
  readonly asOf?: string;
}

export interface ConsentInput {
  readonly source: SourceRef;
  readonly person: Person;
  readonly context: EdgeContext;
  readonly unknownModifier: boolean;
  /** `system|code` tokens of the consent category werkbrug reads (`ips-data-sharing`). */
  readonly categoryTokens: readonly string[];
}

export function readConsent(consent: Consent, input: ConsentInput): ConsentReading | Refusal {
  // §5: the consent state is built from `ips-data-sharing` Consents only; any other Consent is not
  // werkbrug's to read (the query filters on the category, so this only meets misdelivered ones).
  if (!carriesToken(consent.category, input.categoryTokens)) {
    return { stage: 'validate', reason: 'unknown-code', field: 'category', expected: `a category ${input.categoryTokens.join(' or ')}` };
  }
  const problems: Problem[] = [];
  if (input.unknownModifier) problems.push('unknown-modifier');
  if (!hasCoding(consent.scope, codeSystems.consentScope, 'patient-privacy')) problems.push('scope-not-patient-privacy');
  // R4 invariant ppc-1: a policy or a policyRule; checked, not used in the decision (spec §3.4).
  if ((consent.policy ?? []).length === 0 && consent.policyRule === undefined) problems.push('policy-missing');

  const givenDate = consent.dateTime !== undefined ? dateTimeAsCalendarDate(consent.dateTime, 'start') : undefined;
  if (consent.dateTime !== undefined && givenDate === undefined) return { stage: 'validate', reason: 'invalid-date', field: 'dateTime', expected: 'a date with at least year and month' };

  const formExtension = singleExtension(consent.extension, extensionUrls.consentForm);
  if (formExtension !== undefined && isRefusal(formExtension)) return formExtension;
  const form = formExtension === undefined ? 'unknown' : codeFrom(formExtension.extension.valueCoding, codeSystems.consentForm, consentForms.filter((f) => f !== 'unknown'), `${formExtension.field}.valueCoding`);
  if (typeof form !== 'string') return form;

  const top = consent.provision;
  let provision: ConsentProvision | undefined;
  const exceptions: ConsentProvision[] = [];
  let region = true;
  let action = true;
  if (top !== undefined) {
    region = regionAllowed(top, input.context.regionCode);
    action = actionAllowed(top);
    if (top.type === undefined) problems.push('provision-without-type');
    else {
      // Rule 6: no start means from the consent's dateTime.
      const read = provisionOf({ ...top, type: top.type }, 'provision', givenDate);
      if (isRefusal(read)) return read;
      provision = read;
    }
    for (const [i, nested] of (top.provision ?? []).entries()) {
      if ((nested.provision ?? []).length > 0) problems.push('nesting-too-deep');
      if (nested.type === undefined) {
        problems.push('nested-provision-without-type');
        continue;
      }
      const read = provisionOf({ ...nested, type: nested.type }, `provision.provision[${i}]`);
      if (isRefusal(read)) return read;
      // A permit exception for other recipients or actions permits nothing here; a deny is kept
      // whatever its actors, as refusing more than asked is the safe side.
      if (read.type === 'permit' && !(regionAllowed(nested, input.context.regionCode) && actionAllowed(nested))) continue;
      exceptions.push(read);
    }
    if (exceptions.length > 20) problems.push('too-many-exceptions');
  }

  const lastUpdatedMs = input.source.modified_at ? parseInstant(input.source.modified_at) : undefined;
  const recordedAt = consent.dateTime !== undefined ? dateTimeAsInstant(consent.dateTime) : undefined;
  const understood = problems.length === 0;
  const document: ConsentDocument = {
    consentKey: input.source.record_key,
    consentRef: input.source.record_ref,
    version: input.source.version,
    person: input.person.person,
    status: consent.status,
    ...(recordedAt !== undefined ? { recordedAt } : {}),
    ...(input.source.modified_at ? { lastUpdated: input.source.modified_at } : {}),
    understood,
    ...(understood ? {} : { notUnderstoodReason: problems[0] }),
    regionAllowed: region,
    actionAllowed: action,
    ...(provision !== undefined ? { provision } : {}),
    exceptions: exceptions.slice(0, 20),
    form,
  };

  const asOf = givenDate ?? provision?.periodStart ?? (lastUpdatedMs !== undefined ? amsterdamDate(lastUpdatedMs) : undefined);
  const payload = understood ? payloadOf(document, asOf, lastUpdatedMs) : undefined;
  return { document, ...(payload !== undefined ? { payload } : {}), ...(asOf !== undefined ? { asOf } : {}) };
}

/**
 * The `consent` payload (trajectory format §5). `draft`/`proposed` (not given), a consent naming no
 * werkbrug purpose and one without any date have none: their document still counts in decisions.
 */
function payloadOf(document: ConsentDocument, givenDate: string | undefined, lastUpdatedMs: number | undefined): ConsentReading['payload'] {
  const provision = document.provision;
  if (givenDate === undefined || document.status === 'draft' || document.status === 'proposed' || document.status === 'entered-in-error') return undefined;
  const all = [...purposeCodes];
  const named = provision === undefined ? (document.status === 'rejected' ? all : []) : provision.purposes === 'all' ? all : provision.purposes;
  // Purposes carved out for good (a nested deny without its own period) are not covered.
  const carved = new Set(document.exceptions.filter((e) => e.type === 'deny' && e.periodStart === undefined && e.periodEnd === undefined).flatMap((e) => (e.purposes === 'all' ? all : e.purposes)));
  const refusing = document.status === 'rejected' || provision?.type === 'deny';
  const purposes = refusing ? named : named.filter((p) => !carved.has(p));
  if (purposes.length === 0) return undefined;
  const validUntil = provision?.periodEnd;
  const base = { purposes, given_date: givenDate, ...(validUntil !== undefined ? { valid_until: validUntil } : {}), form: document.form };
  if (document.status === 'inactive') {
    // Rule 3: withdrawn from meta.lastUpdated, or from provision.period.end if that is earlier.
    const updated = lastUpdatedMs !== undefined ? amsterdamDate(lastUpdatedMs) : undefined;
    const withdrawn = [updated, validUntil].filter((d): d is string => d !== undefined).sort()[0];
    return { status: 'withdrawn', ...base, ...(withdrawn !== undefined ? { withdrawn_date: withdrawn } : {}) };
  }
  return { status: refusing ? 'refused' : 'active', ...base };
}
