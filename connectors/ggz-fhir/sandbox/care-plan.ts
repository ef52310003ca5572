import type { SandboxPerson } from '../../../src/sandbox/index.js';
import type { ConsentForm, EndReason, Purpose, ReferrerType } from './fhir-systems.js';

/**
 * What the sandbox EPD holds for one person, before it becomes FHIR JSON: the Patient, usually a
 * referral (ServiceRequest), an IPS trajectory (EpisodeOfCare) for those who started, and the
 * Consents. Dates are Amsterdam calendar dates (`YYYY-MM-DD`); instants are epoch ms.
 */
export interface VersionStamp {
  readonly id: string;
  readonly versionId: string;
  readonly lastUpdatedMs: number;
}

export interface PatientPlan extends VersionStamp {
  readonly person: SandboxPerson;
  readonly patientNumber: string;
  /** Free text put into the narrative (canary notes). */
  readonly notes?: readonly string[];
  /** Address line as given (a canary address) instead of street + house number. */
  readonly addressLine?: string;
}

export interface ReferralPlan extends VersionStamp {
  readonly status: 'active' | 'completed' | 'revoked';
  readonly authoredMs: number;
  readonly referrerType?: ReferrerType;
  readonly identifierValue: string;
  readonly endReason?: 'REFERRAL_NOT_STARTED';
  readonly notes?: readonly string[];
}

export type EpisodeStatus = 'planned' | 'waitlist' | 'active' | 'onhold' | 'finished';

export interface EpisodePlan extends VersionStamp {
  readonly status: EpisodeStatus;
  readonly identifierValue: string;
  /** Start of the planned or waitlist status. */
  readonly queuedFrom: string;
  readonly activeFrom?: string;
  readonly onholdFrom?: string;
  readonly end?: string;
  readonly endReason?: EndReason;
  readonly fundingStream?: string;
  readonly firstEmployerContact?: string;
  readonly workStartReported?: string;
  readonly plannedEnd?: string;
  readonly extendedOn?: string;
  readonly educationStart?: string;
  readonly inWorkAtStart?: boolean;
  readonly referralId?: string;
  readonly diagnosis?: string;
  readonly careManager: string;
  readonly notes?: readonly string[];
}

export interface ConsentVersionPlan extends VersionStamp {
  readonly status: 'active' | 'rejected' | 'inactive' | 'draft';
  readonly purposes: readonly Purpose[];
  readonly dateTimeMs: number;
  readonly periodStart: string;
  readonly periodEnd?: string;
  readonly form?: ConsentForm;
  readonly identifierValue: string;
}

/** How a person's consent reads for the two cast purposes, as seeded. */
export type ConsentSummary = 'both' | 'monitor-only' | 'none' | 'rejected' | 'withdrawn' | 'expired';

export interface CarePlan {
  readonly patient: PatientPlan;
  readonly referral?: ReferralPlan;
  readonly episode?: EpisodePlan;
  /** Each Consent as its list of retained versions, oldest first (P3 has two). */
  readonly consents: ReadonlyArray<readonly ConsentVersionPlan[]>;
  readonly consentSummary: ConsentSummary;
}
