import type { Fault } from '../../sandbox/fault-rules.js';
import type { ContractCheck } from '../contract-check.js';
import { duplicatesOf, ensure, ensureSameSet, someOf } from '../contract-failure.js';
import type { ContractSubject } from '../contract-subject.js';
import { pullAll, refsOf } from '../full-pull.js';
import { withSession } from '../kit-session.js';
import { armedFaults, armFault, requestJournal } from '../sandbox-control.js';

/**
 * Partner faults (`partners/README.md` §2.5, §3.1), each armed through the sandbox's control API on
 * the second request of the first data stream (`skip: 1, times: 1`: page 2 fails once). Each must
 * end in a retry with the clean pull's records exactly: no gap, no double count. The sandbox's
 * journal must show the fault was delivered, so a check cannot pass because nothing was hit.
 */
interface FaultCase {
  readonly id: string;
  readonly title: string;
  readonly fault: Fault;
  /** Deadline of one attempt for this case. */
  readonly timeoutMs?: number;
  /** The faulted request itself completes (slow-body): no retry is needed. */
  readonly completes?: boolean;
  /** A back-off of exactly this many ms must have been asked for (Retry-After honoured). */
  readonly sleptMs?: number;
}

function faultCases(subject: ContractSubject<unknown>): FaultCase[] {
  const cases: FaultCase[] = [
    { id: 'fault-http-500', title: 'an HTTP 500 on page 2 is retried: same records, none lost, none twice', fault: { type: 'http-error', status: 500, body: 'native' } },
    {
      id: 'fault-429-retry-after', title: 'a 429 with Retry-After: 1 on page 2 is retried after the second the partner asked for', sleptMs: 1_000,
      fault: { type: 'http-error', status: 429, retryAfterSeconds: 1, body: 'native' },
    },
    { id: 'fault-timeout', title: 'a request the partner never answers times out and is retried', fault: { type: 'hang' }, timeoutMs: 1_000 },
    { id: 'fault-slow-body', title: 'a body that trickles in but completes within the deadline is read as it is', fault: { type: 'slow-body', bytesPerSecond: 65_536 }, completes: true },
    { id: 'fault-truncated-body', title: 'a body cut short of its Content-Length is retried, never half-read', fault: { type: 'truncate', bytes: 64 } },
  ];
  if (subject.kind === 'soap') {
    cases.push({
      id: 'fault-soap-fault', title: `a SOAP Fault with the transient code ${subject.transientSoapFaultCode ?? '(none given)'} is retried`,
      fault: { type: 'soap-fault', code: subject.transientSoapFaultCode ?? 'missing', httpStatus: 500 },
    });
  }
  return cases;
}

function faultCheck<Config>(subject: ContractSubject<Config>, item: FaultCase): ContractCheck {
  const pageSize = Math.max(2, Math.ceil(subject.smallScenarioPersons / 3));
  return {
    id: item.id,
    title: item.title,
    run: () => withSession(subject, { scenario: 'default', persons: subject.smallScenarioPersons }, async (session) => {
      ensure(item.fault.type !== 'soap-fault' || subject.transientSoapFaultCode !== undefined, () => 'transientSoapFaultCode: a SOAP subject must name the code its sandbox maps to a transient fault');
      const config = session.config(pageSize);
      const streams = subject.connector.describe(config).streams;
      const cleanPull = await pullAll(session, { pageSize });
      const clean = refsOf(cleanPull.records);
      // The fault goes to the second request of the data stream that needs the most pages.
      const pagesOf = (name: string): number => cleanPull.pages.filter((page) => page.stream === name).length;
      const data = streams.filter((stream) => stream.role === 'data');
      const target = [...(data.length > 0 ? data : streams)].sort((a, b) => pagesOf(b.name) - pagesOf(a.name))[0]?.name ?? '';
      let ruleId = '';
      const faulted = await pullAll(session, {
        pageSize,
        http: session.http(config, item.timeoutMs === undefined ? {} : { timeoutMs: item.timeoutMs }),
        beforeStream: async (stream) => {
          if (stream === target) ruleId = await armFault(session.sandbox, { match: subject.faultMatch(stream), fault: item.fault, skip: 1, times: 1 });
        },
      });
      const fired = (await armedFaults(session.sandbox)).find((fault) => fault.id === ruleId);
      ensure(fired !== undefined && fired.fired === 1, () => `${item.fault.type} on stream ${target}: expected the fault to hit the second matching request once, got it fired ${fired?.fired ?? 0} times after ${fired?.seen ?? 0} matching requests (does the stream need two requests at page size ${pageSize}, and does faultMatch match them?)`);
      const journal = await requestJournal(session.sandbox);
      const hit = journal.find((entry) => entry.fault?.source === ruleId);
      ensure(hit !== undefined, () => `${item.fault.type}: expected the sandbox journal to show the faulted request, got none`);
      if (item.completes) {
        ensure(hit.outcome === 'sent', () => `${item.fault.type}: expected the slow answer to be read to its end, got outcome ${hit.outcome}`);
      } else {
        const retry = journal.find((entry) => entry.seq > hit.seq && entry.path === hit.path && entry.fault === null && entry.outcome === 'sent');
        ensure(retry !== undefined, () => `${item.fault.type} on ${hit.method} ${hit.path}: expected a retry of the same request answered in full, got none`);
      }
      if (item.sleptMs !== undefined) {
        ensure(session.sleeps.includes(item.sleptMs), () => `${item.fault.type}: expected a back-off of ${item.sleptMs} ms (Retry-After), got ${session.sleeps.length === 0 ? 'no back-off' : session.sleeps.join(', ')} (does the connector pass retryAfterSeconds on?)`);
      }
      const refs = refsOf(faulted.records);
      const twice = duplicatesOf(refs);
      ensure(twice.length === 0, () => `after ${item.fault.type}: expected each record once, got ${someOf(twice)} twice`);
      ensureSameSet(`records after ${item.fault.type} against the clean pull`, clean, refs);
    }),
  };
}

export function faultChecks<Config>(subject: ContractSubject<Config>): ContractCheck[] {
  return faultCases(subject as ContractSubject<unknown>).map((item) => faultCheck(subject, item));
}
