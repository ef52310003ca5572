import { z } from 'zod';
import type { VerifiableEntry } from '../consent/consent-log-chain.js';
import { checkInclusionProof, type InclusionProof } from '../consent/inclusion-proof.js';
import type { ProofCheck } from '../consent/proof-check.js';
import { isWerkbrugError, WerkbrugError } from '../errors/werkbrug-error.js';
import { recordAccess } from '../privacy/access-log.js';
import { consentRules } from '../stages/consent-decision.js';
import type { AccessActor } from './access-options.js';
import { outputFormat, processIo, verifyingKeyFor, withStore, type IntegrityIo } from './consent-integrity-context.js';
import { proveRecord } from './consent-prove.js';

/**
 * `werkbrug consent explain <record-ref>`, for a privacy officer: which consent let a stored
 * record in, for which purposes, when and by which rule (with the rule's sentence), every log
 * entry about the record and its person's erasures, and the inclusion proof of the deciding entry
 * against the latest signed checkpoint. The access is recorded in the access log before anything
 * is shown.
 */
const purposeSchema = z.object({ purpose: z.string(), outcome: z.string(), rule: z.string(), reason: z.string().optional(), consentRef: z.string().optional() });
// Lenient on purpose: a tampered or newer-kind entry is still shown, with what can be read of it.
const contentSchema = z.object({
  kind: z.string().catch('?'),
  at: z.string().catch('?'),
  outcome: z.string().catch('?'),
  recordRef: z.string().nullable().catch(null),
  runId: z.string().nullable().catch(null),
  batchId: z.string().nullable().catch(null),
  purposes: z.array(purposeSchema).catch([]),
  detail: z.record(z.string(), z.union([z.string(), z.number()])).optional().catch(undefined),
});

const ruleSentence = (rule: string): string => (consentRules as Record<string, string>)[rule] ?? '(a rule werkbrug does not describe here)';

function describeEntry(entry: VerifiableEntry) {
  const content = contentSchema.parse(entry.content ?? {});
  return {
    seq: entry.seq,
    ref: `cl1:${entry.hash}`,
    kind: content.kind,
    at: content.at,
    outcome: content.outcome,
    recordRef: content.recordRef,
    runId: content.runId,
    batchId: content.batchId,
    purposes: content.purposes.map((p) => ({ ...p, ruleText: ruleSentence(p.rule) })),
    ...(content.detail === undefined ? {} : { detail: content.detail }),
  };
}

type ExplainedEntry = ReturnType<typeof describeEntry>;

export interface ConsentExplainOptions {
  readonly config: string;
  readonly format?: string;
  readonly publicKey?: string;
}

interface Explanation {
  readonly record: { readonly recordRef: string; readonly recordKey: string; readonly partnerId: string; readonly recordKind: string; readonly person: string | null; readonly purposes: readonly string[] };
  readonly decision: ExplainedEntry | null;
  readonly entries: readonly ExplainedEntry[];
  readonly proof: { readonly available: true; readonly check: ProofCheck; readonly proof: InclusionProof } | { readonly available: false; readonly reason: string };
}

function text(x: Explanation): string {
  const out: string[] = [];
  const r = x.record;
  out.push(`record ${r.recordRef} (${r.recordKind}, partner ${r.partnerId})`, `  person ${r.person ?? '(none)'}; stored for purposes: ${r.purposes.join(', ') || '(none)'}`);
  const d = x.decision;
  if (d === null) out.push('consent decision: none in the lineage (a deletion needs none)');
  else {
    out.push(`consent decision ${d.ref} (log entry #${d.seq}), checked ${d.at}, outcome ${d.outcome}${d.runId === null ? '' : `, run ${d.runId}`}`);
    for (const p of d.purposes) {
      out.push(`  ${p.purpose}: ${p.outcome}${p.reason === undefined ? '' : ` (${p.reason})`} by rule ${p.rule}: ${p.ruleText}`);
      if (p.consentRef !== undefined) out.push(`      consent: ${p.consentRef}`);
    }
  }
  out.push(`log entries about this record and its person's erasures (${x.entries.length}):`);
  for (const e of x.entries) {
    const purposes = e.purposes.map((p) => `${p.purpose} ${p.outcome} ${p.rule}`).join('; ');
    out.push(`  #${e.seq} ${e.at} ${e.kind} ${e.outcome}${e.recordRef === null ? '' : ` ${e.recordRef}`}${purposes === '' ? '' : `  ${purposes}`}`);
  }
  if (!x.proof.available) out.push(`inclusion proof: not available: ${x.proof.reason}`);
  else {
    const c = x.proof.proof.checkpoint;
    out.push(`inclusion proof against the checkpoint of ${c.time} (${c.treeSize} entries, key id ${c.keyId}): ${x.proof.check.ok ? 'verified' : 'FAILED'}`);
    for (const s of x.proof.check.steps) out.push(`  ${s.ok ? 'ok  ' : 'FAIL'}  ${s.step}: ${s.detail}`);
  }
  return `${out.join('\n')}\n`;
}

export async function consentExplainCommand(ref: string, options: ConsentExplainOptions, actor: AccessActor, io: IntegrityIo = processIo()): Promise<number> {
  const format = outputFormat(options.format);
  return withStore(options.config, io.env, async (store, config) => {
    const record = await store.findRecordByRef(ref);
    if (record === undefined) throw new WerkbrugError('WB_CONSENT_PROOF_UNAVAILABLE', { field: 'record-ref', detail: `no stored record has reference ${ref} (as record_ref or partner:record_key)` });
    const person = record.person ?? null;
    await recordAccess(store, { event: 'consent-explain', person, ...actor, detail: { recordRef: record.source.record_ref } }, io.now());
    const decisionHash = record.lineage.consent_decision?.slice('cl1:'.length);
    const decisionEntry = decisionHash === undefined ? undefined : await store.consentLogEntryByHash(decisionHash);
    const entries = (await store.consentLogAboutRecord(record.source.record_key, person)).map(describeEntry);
    let proof: Explanation['proof'];
    try {
      const built = (await proveRecord(store, config, ref)).proof;
      proof = { available: true, proof: built, check: checkInclusionProof(built, verifyingKeyFor(config, options.publicKey, io.env)?.publicKey) };
    } catch (error) {
      if (!isWerkbrugError(error)) throw error;
      proof = { available: false, reason: error.where.detail ?? error.message };
    }
    const explanation: Explanation = {
      record: {
        recordRef: record.source.record_ref, recordKey: record.source.record_key, partnerId: record.source.partner_id,
        recordKind: record.record_kind, person, purposes: record.purposes ?? [],
      },
      decision: decisionEntry === undefined ? null : describeEntry(decisionEntry),
      entries,
      proof,
    };
    io.write(format === 'json' ? `${JSON.stringify(explanation, null, 2)}\n` : text(explanation));
    return proof.available && !proof.check.ok ? 1 : 0;
  });
}
