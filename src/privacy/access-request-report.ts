import type { PersonData, PersonStoredRow } from '../store/store.js';
import type { Glossary } from './access-request-glossary.js';
import { toRow, type ConsentLogRow } from './consent-log-query.js';

/**
 * The answer to an access request (AVG art. 15) as data: what werkbrug holds about one person,
 * under every pseudonym that person had, with the codes it uses explained. `access-request.json`
 * is this object; `access-request.html` renders it. It holds what the store holds — pseudonyms,
 * codes, dates and references into the partners' systems — and nothing else: the BSN the request
 * was made with is not in it.
 */
export const accessRequestFormat = 'werkbrug.access-request/1';

export interface AccessRequestReport {
  readonly format: typeof accessRequestFormat;
  readonly createdAt: string;
  readonly region: { readonly code: string; readonly name: string };
  /** The pseudonym under the current key first, then earlier ones (key rotation). */
  readonly pseudonyms: readonly { readonly pseudonym: string; readonly keyId: string; readonly current: boolean }[];
  /** The access-log entry that records this request: `al1:` + hash, and its seq. */
  readonly accessLog: { readonly seq: number; readonly ref: string };
  readonly counts: Readonly<Record<'records' | 'recordHistory' | 'removals' | 'consentDocuments' | 'pending' | 'consentLog' | 'erasureReceipts', number>>;
  readonly records: readonly PersonStoredRow[];
  readonly recordHistory: readonly PersonStoredRow[];
  readonly removals: readonly Readonly<Record<string, unknown>>[];
  readonly consentDocuments: readonly Readonly<Record<string, unknown>>[];
  readonly pending: readonly Readonly<Record<string, unknown>>[];
  readonly consentLog: readonly ConsentLogRow[];
  readonly erasureReceipts: readonly Readonly<Record<string, unknown>>[];
  /** The codes used above, in words. */
  readonly explanations: Glossary;
}

const keyIdOf = (pseudonym: string): string => pseudonym.split(':')[1] ?? '';

/** Only the explanations of codes that occur, so the page stays about this person. */
function usedGlossary(glossary: Glossary, data: PersonData): Glossary {
  const purposes = new Set<string>();
  const rules = new Set<string>();
  for (const row of [...data.records, ...data.history]) for (const p of row.purposes) purposes.add(p);
  for (const entry of data.consentLog) {
    for (const p of entry.content.purposes) {
      purposes.add(p.purpose);
      rules.add(p.rule);
    }
    const rule = entry.content.detail?.rule;
    if (typeof rule === 'string') rules.add(rule);
  }
  const pick = (table: Readonly<Record<string, string>>, keys: ReadonlySet<string>): Record<string, string> =>
    Object.fromEntries(Object.entries(table).filter(([key]) => keys.has(key)));
  return { ...glossary, purposes: pick(glossary.purposes, purposes), rules: pick(glossary.rules, rules) };
}

export function buildAccessRequestReport(
  data: PersonData,
  context: { createdAt: Date; region: { code: string; name: string }; currentPseudonym: string; accessLog: { seq: number; ref: string }; glossary: Glossary },
): AccessRequestReport {
  const others = data.persons.filter((p) => p !== context.currentPseudonym);
  return {
    format: accessRequestFormat,
    createdAt: context.createdAt.toISOString(),
    region: context.region,
    pseudonyms: [context.currentPseudonym, ...others].map((pseudonym) => ({ pseudonym, keyId: keyIdOf(pseudonym), current: pseudonym === context.currentPseudonym })),
    accessLog: context.accessLog,
    counts: {
      records: data.records.length,
      recordHistory: data.history.length,
      removals: data.removals.length,
      consentDocuments: data.consentDocuments.length,
      pending: data.pending.length,
      consentLog: data.consentLog.length,
      erasureReceipts: data.erasureReceipts.length,
    },
    records: data.records,
    recordHistory: data.history,
    removals: data.removals,
    consentDocuments: data.consentDocuments,
    pending: data.pending,
    consentLog: data.consentLog.map(toRow),
    erasureReceipts: data.erasureReceipts,
    explanations: usedGlossary(context.glossary, data),
  };
}
