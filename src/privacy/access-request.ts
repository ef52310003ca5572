import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WerkbrugError } from '../errors/werkbrug-error.js';
import type { Pseudonymiser } from '../stages/pseudonymise.js';
import type { Store } from '../store/store.js';
import { accessLogRef, recordAccessEntry } from './access-log.js';
import { glossary } from './access-request-glossary.js';
import { renderAccessRequestHtml } from './access-request-html.js';
import { buildAccessRequestReport, type AccessRequestReport } from './access-request-report.js';

/**
 * `werkbrug privacy access-request`: answers a data subject's access request (AVG art. 15).
 * The order matters:
 *   1. the BSN (already checked) is pseudonymised in memory — under the current key and, during a
 *      rotation window, the previous one — and the pseudonyms are followed through `relink`
 *      entries to the ones the person had before earlier rotations;
 *   2. everything stored about those pseudonyms is read in one snapshot;
 *   3. the access is recorded in the access log (person = the current pseudonym, with counts),
 *      before anything leaves werkbrug: a request whose access cannot be logged is not answered;
 *   4. `access-request.json` and `access-request.html` are written to a folder only the operator
 *      can open (0700, files 0600).
 * The BSN goes nowhere but into the HMAC: not into the store, the access log, a file or a message.
 */
export interface AccessRequestInput {
  readonly store: Store;
  readonly pseudonymiser: Pseudonymiser;
  /** Normalised and 11-proef checked (`readRequestBsn`). */
  readonly bsn: string;
  readonly actor: { readonly user: string; readonly onBehalfOf: string | null; readonly authorisation: string | null };
  readonly region: { readonly code: string; readonly name: string };
  readonly outDir: string;
  readonly now: Date;
}

export interface AccessRequestResult {
  readonly report: AccessRequestReport;
  readonly files: readonly string[];
}

export const accessRequestFiles = ['access-request.json', 'access-request.html'] as const;

/** Creates the folder (0700) or tightens an existing empty one; refuses one with a report in it. */
async function prepareFolder(outDir: string): Promise<void> {
  await mkdir(outDir, { recursive: true, mode: 0o700 });
  await chmod(outDir, 0o700);
  const present = await readdir(outDir);
  if (accessRequestFiles.some((file) => present.includes(file))) {
    throw new WerkbrugError('WB_PRIVACY_INPUT_INVALID', {
      field: '--out', expected: 'a folder without an earlier access request', detail: 'it already holds access-request files; choose another folder',
    });
  }
}

export async function answerAccessRequest(input: AccessRequestInput): Promise<AccessRequestResult> {
  const current = input.pseudonymiser.person(input.bsn);
  const previous = input.pseudonymiser.previousPerson(input.bsn);
  await prepareFolder(input.outDir);
  const persons = await input.store.linkedPseudonyms(previous === undefined ? [current] : [current, previous]);
  const data = await input.store.readPersonData(persons);
  const entry = await recordAccessEntry(input.store, {
    event: 'access-request',
    person: current,
    ...input.actor,
    detail: {
      pseudonyms: data.persons.length, records: data.records.length, recordHistory: data.history.length, removals: data.removals.length,
      consentDocuments: data.consentDocuments.length, pending: data.pending.length, consentLog: data.consentLog.length, erasureReceipts: data.erasureReceipts.length,
    },
  }, input.now);
  const report = buildAccessRequestReport(data, {
    createdAt: input.now, region: input.region, currentPseudonym: current, accessLog: { seq: entry.seq, ref: accessLogRef(entry) }, glossary: glossary(),
  });
  const [jsonFile, htmlFile] = accessRequestFiles.map((file) => join(input.outDir, file)) as [string, string];
  // 'wx': never over an existing file (a link planted there, or a concurrent request).
  await writeFile(jsonFile, `${JSON.stringify(report, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  await writeFile(htmlFile, renderAccessRequestHtml(report), { mode: 0o600, flag: 'wx' });
  // The mode of a new file is masked by the umask; set it outright.
  await Promise.all([chmod(jsonFile, 0o600), chmod(htmlFile, 0o600)]);
  return { report, files: [jsonFile, htmlFile] };
}
