import { z } from 'zod';
import type { FaultRuleInput } from '../sandbox/fault-rules.js';
import type { KitSandbox } from './contract-subject.js';
import { ContractFailure } from './contract-failure.js';

/**
 * The kit's client of a sandbox's `/__control` API (`partners/README.md` §3): the same HTTP calls
 * a person or the demo makes, so a sandbox passes only if its control API really works. Answers
 * are validated with zod; a refused call is a {@link ContractFailure} naming the route.
 */
const armedSchema = z.object({ id: z.string() });
const faultViewSchema = z.object({ id: z.string(), fired: z.number(), seen: z.number() });
const faultListSchema = z.object({ faults: z.array(faultViewSchema) });
const journalEntrySchema = z.object({
  seq: z.number(),
  method: z.string(),
  path: z.string(),
  status: z.number().nullable(),
  fault: z.object({ type: z.string(), source: z.string() }).nullable(),
  outcome: z.string(),
  durationMs: z.number().nullable(),
});
const journalSchema = z.object({ requests: z.array(journalEntrySchema) });

export type KitJournalEntry = z.infer<typeof journalEntrySchema>;
export type KitFaultView = z.infer<typeof faultViewSchema>;

/** One control call; the reply's JSON body, or a failure naming method, route and status. */
export async function control(sandbox: KitSandbox, method: 'GET' | 'POST' | 'PUT' | 'DELETE', route: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${sandbox.url}/__control/${route}`, {
    method,
    headers: { Authorization: `Bearer ${sandbox.controlToken}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new ContractFailure(`sandbox control ${method} /__control/${route.split('?')[0] ?? route}: expected a 2xx answer, got ${response.status}`);
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ContractFailure(`sandbox control ${method} /__control/${route.split('?')[0] ?? route}: expected JSON, got a body that is not`);
  }
}

/** Arms a fault rule (`POST /__control/faults`) and returns its id. */
export async function armFault(sandbox: KitSandbox, rule: FaultRuleInput): Promise<string> {
  return armedSchema.parse(await control(sandbox, 'POST', 'faults', rule)).id;
}

export async function armedFaults(sandbox: KitSandbox): Promise<KitFaultView[]> {
  return faultListSchema.parse(await control(sandbox, 'GET', 'faults')).faults;
}

/** The request journal (`GET /__control/requests`), oldest first. */
export async function requestJournal(sandbox: KitSandbox, limit = 10_000): Promise<KitJournalEntry[]> {
  return journalSchema.parse(await control(sandbox, 'GET', `requests?limit=${limit}`)).requests;
}
