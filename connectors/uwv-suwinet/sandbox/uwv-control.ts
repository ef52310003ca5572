import { z } from 'zod';
import { type ControlReply, type ControlTarget, type FaultBook } from '../../../src/sandbox/index.js';
import { childElement, parseXml, XmlError, type XmlElement } from '../../../src/xml/xml-document.js';
import { groundTruth } from './ground-truth.js';
import type { ServedPerson, ServiceAnswerPlan } from './served.js';
import { DEFAULT_PERSONS, type LoadRequest, type Scenario, type UwvState } from './uwv-state.js';
import { canariesSchema, scenarioSchema } from '../../../src/sandbox/sandbox-options.js';

/**
 * The UWV side of `/__control` (`partners/README.md` §3, spec §9):
 * - `PUT /__control/records/ClientSuwi/{bsn}` takes a `ClientSuwi` element of either service and
 *   serves it for that BSN from then on (inkomsten answers get the delivered period added). The
 *   service is told apart by the children (`Inkomstenverhouding` → inkomsten; `Uitkeringsverhouding`,
 *   `ArbeidsgeschiktheidClient`, `WerkloosheidClient`, `AanvraagUitkering` → werknemersverzekeringen);
 *   a `ClientSuwi` with neither needs `?service=ikv|wv`. Its `Burgerservicenr` is served as written,
 *   so a test can make the sandbox answer about another BSN (U03).
 * - `DELETE /__control/records/ClientSuwi/{bsn}`: the person becomes unknown (NietsGevonden).
 * - `GET /__control/ground-truth[?from=&to=]` and `GET /__control/edge-cases`.
 */
export const resetSchema = z.strictObject({
  scenario: scenarioSchema.optional(),
  seed: z.number().int().min(0).max(4_294_967_295).optional(),
  persons: z.number().int().min(0).max(1_000_000).optional(),
  canaries: canariesSchema.optional(),
});
export type ResetInput = z.infer<typeof resetSchema>;

const serviceQuery = z.strictObject({ service: z.enum(['ikv', 'wv']).optional() });
const periodQuery = z.strictObject({ from: z.iso.date().optional(), to: z.iso.date().optional() });
const WV_CHILDREN = ['Uitkeringsverhouding', 'ArbeidsgeschiktheidClient', 'WerkloosheidClient', 'AanvraagUitkering'];

function serviceOf(client: XmlElement): 'ikv' | 'wv' | undefined {
  if (client.children.some((c) => c.local === 'Inkomstenverhouding')) return 'ikv';
  if (client.children.some((c) => WV_CHILDREN.includes(c.local))) return 'wv';
  return undefined;
}

export interface UwvControlOptions {
  readonly state: UwvState;
  readonly faults: FaultBook<unknown>;
  readonly initial: LoadRequest & { readonly personsGiven: boolean };
}

export function uwvControl(options: UwvControlOptions): ControlTarget<ResetInput> {
  const { state, faults, initial } = options;
  return {
    resetSchema,
    health: () => ({
      partner: 'uwv',
      scenario: state.source === 'fixtures' ? 'fixtures' : state.request.scenario,
      seed: state.request.seed,
      persons: state.request.persons,
      clock: state.clock.state().now,
      clockFrozen: state.clock.frozen,
      records: { ...state.counts(), ...(state.source === 'fixtures' ? { fixtureFiles: state.fixtureFiles } : {}) },
      faults: faults.list().length,
    }),
    reset: (input) => {
      const scenario: Scenario = input.scenario ?? initial.scenario;
      const persons = input.persons ?? (scenario === initial.scenario && initial.personsGiven ? initial.persons : DEFAULT_PERSONS[scenario]);
      const canaries = input.canaries ?? initial.canaries;
      state.reload({ scenario, seed: input.seed ?? initial.seed, persons, ...(canaries ? { canaries } : {}) });
    },
    putRecord: (kind, bsn, body, query): ControlReply => {
      if (kind !== 'ClientSuwi' || !/^[0-9]{9}$/.test(bsn)) return { status: 400, body: { error: 'expected /__control/records/ClientSuwi/{bsn} with a 9-digit BSN' } };
      const params = serviceQuery.safeParse(Object.fromEntries(query));
      if (!params.success) return { status: 400, body: { error: 'query: service must be ikv or wv' } };
      let root: XmlElement;
      try {
        root = parseXml(body, { maxBytes: 8 * 1024 * 1024 });
      } catch (error) {
        return { status: 400, body: { error: `the body is not XML werkbrug accepts (${error instanceof XmlError ? error.reason : 'unreadable'})` } };
      }
      if (root.local !== 'ClientSuwi' || childElement(root, root.ns, 'Burgerservicenr') === undefined) return { status: 400, body: { error: 'the body must be a ClientSuwi element with a Burgerservicenr' } };
      const service = serviceOf(root) ?? params.data.service;
      if (service === undefined) return { status: 400, body: { error: 'the ClientSuwi has no children that tell the service apart; add ?service=ikv or ?service=wv' } };
      const text = body.toString('utf8').replace(/^\uFEFF/, '').replace(/^<\?xml[^>]*\?>\s*/, '');
      const plan: ServiceAnswerPlan = { kind: 'client', clientXml: text };
      const current: ServedPerson = state.person(bsn) ?? { key: `K${bsn.slice(-4)}`, bsn, ikv: [], uv: [], ikvAnswer: { kind: 'not-found' }, wvAnswer: { kind: 'not-found' } };
      const existed = state.put(service === 'ikv' ? { ...current, ikvAnswer: plan } : { ...current, wvAnswer: plan });
      return { status: existed ? 200 : 201, body: { bsnServed: true, service } };
    },
    deleteRecord: (kind, bsn): ControlReply => {
      if (kind !== 'ClientSuwi') return { status: 400, body: { error: 'expected /__control/records/ClientSuwi/{bsn}' } };
      return state.delete(bsn) ? { status: 200, body: { deleted: true } } : { status: 404, body: { error: 'no person with that BSN is served' } };
    },
    routes: {
      'GET ground-truth': (request) => {
        const period = periodQuery.safeParse(Object.fromEntries(request.query));
        if (!period.success) return { status: 400, body: { error: 'query: from and to must be dates (YYYY-MM-DD)' } };
        const { from, to } = period.data;
        return { status: 200, body: groundTruth(state, from && to ? { from, to } : undefined) };
      },
      'GET edge-cases': () => ({ status: 200, body: { edgeCases: state.edgeCases } }),
    },
  };
}

