import type { ConsentDocument } from '../consent/consent-document.js';
import { decideConsent, decideRecord, type ConsentRuleId, type RefuseReason } from '../stages/consent-decision.js';
import type { Purpose } from '../trajectory/codes.js';
import { purposeSchema } from '../trajectory/trajectory-record.js';

/**
 * Which purposes a person withdrew (brief, invariant 3; trajectory format §6): pure, from the
 * consent documents before and after a consent change, the purposes the person's stored rows carry
 * and the clock. The consent decision itself (`decideConsent`) says what is permitted now; this
 * file only says which of the refusals are a withdrawal, and so mean erasure.
 */

/**
 * Refusals that can only come from the person (or the partner on their behalf) taking consent
 * back for a purpose a stored row carries: such a row was stored under a permit, and these rules
 * say that permit is gone — status inactive, rejected or entered-in-error, a deny or a carve-out,
 * deleted at the source, or a new version that no longer names the purpose, the region or
 * disclosure (§5 of the ggz spec lists the forms a withdrawal takes).
 */
const withdrawalRules: ReadonlySet<ConsentRuleId> = new Set<ConsentRuleId>([
  'CR05-deny', 'CR06-rejected', 'CR07-withdrawn', 'CR10-carve-out', 'CR11-other-purpose', 'CR12-other-recipient',
  'CR13-no-disclose', 'CR15-tie-deny', 'CR16-entered-in-error', 'CR19-deleted-at-source',
]);

export interface Withdrawal {
  readonly person: string;
  readonly purpose: Purpose;
  /** The consent rule that refuses the purpose now. */
  readonly rule: ConsentRuleId;
  readonly reason: RefuseReason;
  /** The consent version the refusal rests on, when the rule names one. */
  readonly consentRef: string | null;
}

export interface WithdrawalInput {
  /** Per person, the purposes their stored rows carry (`StoreTx.loadCarriedPurposes`). */
  readonly carried: ReadonlyMap<string, readonly string[]>;
  /** Every consent document of these persons as stored before the change. */
  readonly before: ReadonlyMap<string, readonly ConsentDocument[]>;
  /** … and after it. */
  readonly after: ReadonlyMap<string, readonly ConsentDocument[]>;
  /** Today as an Amsterdam calendar date, `YYYY-MM-DD`. */
  readonly today: string;
  /** Now (UTC instant). */
  readonly now: string;
  readonly maxWaitDays: number;
}

/**
 * The withdrawals among the purposes the persons' rows carry, by person and purpose, sorted.
 *
 * An expiry (`CR08-expired`) is a withdrawal only when the change itself made it: the documents
 * before the change still permitted the purpose at this same instant, so the period's end was
 * moved before today. A consent that simply reached its planned end (P5 of the cast) lets no new
 * data in, but what is stored stays until its retention period is over. A consent that could not
 * be read (`CR14-not-understood`) and every pending outcome withhold new data without erasing:
 * erasure cannot be undone, so it waits for a readable, definite withdrawal.
 */
export function findWithdrawals(input: WithdrawalInput): Withdrawal[] {
  const withdrawals: Withdrawal[] = [];
  const base = { today: input.today, now: input.now, waitingSince: input.now, maxWaitDays: input.maxWaitDays };
  for (const person of [...input.carried.keys()].sort()) {
    const purposes = (input.carried.get(person) ?? []).filter((p): p is Purpose => purposeSchema.safeParse(p).success);
    for (const purpose of [...new Set(purposes)].sort()) {
      const now = decideConsent({ ...base, purpose, lookup: { kind: 'found', documents: input.after.get(person) ?? [] } });
      if (now.outcome !== 'refuse') continue;
      const madeByTheChange = (): boolean =>
        decideConsent({ ...base, purpose, lookup: { kind: 'found', documents: input.before.get(person) ?? [] } }).outcome === 'permit';
      if (withdrawalRules.has(now.rule) || (now.rule === 'CR08-expired' && madeByTheChange())) {
        withdrawals.push({ person, purpose, rule: now.rule, reason: now.reason, consentRef: now.consentRef ?? null });
      }
    }
  }
  return withdrawals;
}

/**
 * True when none of the region's purposes can still be permitted for the person (every one is
 * refused, none waits): their pending records can never be forwarded and go with the erasure.
 */
export function nothingRemainsPossible(purposes: readonly Purpose[], documents: readonly ConsentDocument[], input: Pick<WithdrawalInput, 'today' | 'now' | 'maxWaitDays'>): boolean {
  const decision = decideRecord(purposes, { lookup: { kind: 'found', documents }, today: input.today, now: input.now, waitingSince: input.now, maxWaitDays: input.maxWaitDays });
  return decision.outcome === 'refuse';
}
