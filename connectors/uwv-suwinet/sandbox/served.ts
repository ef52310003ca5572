/**
 * What the UWV sandbox serves per person, before it is written as SuwiML (`render.ts`). Dates are
 * SuwiML `Datum` strings (`yyyymmdd`, `00` for unknown parts) exactly as they go on the wire, so
 * the edge cases of spec §5.4 (U05, U06) can be served as they are. Monthly returns are generated
 * at answer time, up to the end of the delivered period, from `weeklyHours`; a relation with
 * `returns` serves those instead.
 */
export interface ServedEmployer {
  readonly name: string;
  /** A natural person as employer (U09, canaries): names and an address the edge must drop. */
  readonly person?: { readonly givenNames: string; readonly prefix?: string; readonly familyName: string; readonly street: string; readonly houseNumber: string; readonly postalCode: string; readonly city: string };
}

export interface ServedPeriod {
  readonly start: string;
  readonly end?: string;
  readonly cdSrtIkv: string;
  readonly cdAardIkv?: string;
  readonly cdTypeArbeidscontract?: string;
}

export interface ServedReturn {
  readonly start: string;
  readonly end: string;
  readonly hours: number;
  readonly amountCents: number;
  /** `AantSvDagenIko`, no longer filled since 2017 (U11). */
  readonly svDays?: number;
}

/** What the edge must make of a relation (ground truth for tests and the contract kit). */
export type ExpectedOutcome =
  | { readonly kind: 'employment'; readonly relation: string; readonly competitive: string }
  | { readonly kind: 'benefit'; readonly benefitType: string }
  | { readonly kind: 'dropped' }
  | { readonly kind: 'rejected'; readonly reason: 'invalid-date' | 'invalid-value' };

export interface ServedInkomstenverhouding {
  readonly volgnr: string;
  readonly loonheffingennr: string;
  readonly employer: ServedEmployer;
  readonly start: string;
  readonly end?: string;
  readonly periods: readonly ServedPeriod[];
  /** Hours a week for generated monthly returns (0: returns with no hours, e.g. a benefit). */
  readonly weeklyHours?: number;
  /** Monthly amount in cents for generated returns. */
  readonly monthlyCents?: number;
  readonly returns?: readonly ServedReturn[];
  /** Every amount element on each return (U14: ten years at six employers is about 2 MB). */
  readonly verbose?: boolean;
  /** Extra elements inside `Inkomstenverhouding` (U11 deprecated ones, U15 an unknown one). */
  readonly extraXml?: string;
  /** One entry per record the edge makes of it (U08: two), or one `dropped` / `rejected`. */
  readonly expected: readonly ExpectedOutcome[];
}

export interface ServedUitkeringsverhouding {
  readonly cdSzWet: string;
  readonly start: string;
  readonly end?: string;
  /** `HHMM` as on the wire (`3200` = 32 h). */
  readonly hoursBasis?: string;
  readonly monthlyCents: number;
  readonly expected: ExpectedOutcome;
}

/** How one service answers for a person. */
export type ServiceAnswerPlan =
  | { readonly kind: 'data' }
  | { readonly kind: 'not-found' }
  /** Only `fwi:FWI/Fout` in a 200 answer (U02: FWI0020). */
  | { readonly kind: 'fwi-refusal'; readonly code: string }
  /** A `ClientSuwi` element as text (control PUT): wrapped at answer time, whatever the period. */
  | { readonly kind: 'client'; readonly clientXml: string }
  /** A whole `…Response` element as text (fixture file): served as it is. */
  | { readonly kind: 'response'; readonly responseXml: string };

export type RootStyle = 'prefixed' | 'ns3' | 'default-with-empty' | 'default-without-empty';

export interface ServedPerson {
  /** `P1`…, `G000001`…, `C01`…, `U03`…: a stable id for tests. */
  readonly key: string;
  readonly bsn: string;
  readonly ikv: readonly ServedInkomstenverhouding[];
  readonly uv: readonly ServedUitkeringsverhouding[];
  readonly ikvAnswer: ServiceAnswerPlan;
  readonly wvAnswer: ServiceAnswerPlan;
  /** The answers carry this BSN instead of the one asked (U03). */
  readonly answerBsn?: string;
  /** `omit`: no `wsa:RelatesTo`; `other`: another MessageID (U04). */
  readonly relatesTo?: 'omit' | 'other';
  readonly rootStyle?: RootStyle;
  /** An `fwi:FWI/Waarschuwing` with this code next to the data (U18). */
  readonly warning?: string;
  /** Deliver inkomsten data only from this date (U17), `YYYY-MM-DD`. */
  readonly deliveredFrom?: string;
  /** The wv `ClientSuwi` carries `ArbeidsgeschiktheidClient` (health data the edge drops). */
  readonly aoKlasse?: { readonly klasse: string; readonly since: string };
}

/** A person with both services answering from the data model. */
export function dataPerson(key: string, bsn: string, ikv: readonly ServedInkomstenverhouding[], uv: readonly ServedUitkeringsverhouding[] = []): ServedPerson {
  return {
    key,
    bsn,
    ikv,
    uv,
    ikvAnswer: ikv.length > 0 ? { kind: 'data' } : { kind: 'not-found' },
    wvAnswer: uv.length > 0 ? { kind: 'data' } : { kind: 'not-found' },
  };
}
