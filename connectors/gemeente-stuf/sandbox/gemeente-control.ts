import { z } from 'zod';
import type { ControlReply, ControlTarget } from '../../../src/sandbox/index.js';
import { parseXml, XSI_NS, type XmlElement } from '../../../src/xml/xml-document.js';
import { isEntiteittype, PW_NS, STUF_NS, type Entiteittype } from '../stuf-names.js';
import { DEFAULT_PERSONS, type LoadRequest, type Scenario } from './caseload.js';
import type { GemeenteState } from './gemeente-state.js';
import { groundTruth } from './ground-truth.js';
import { headElements, objectAttrs, type ObjectKey } from './objects.js';
import { pw, stuf, type XNode } from './xml-node.js';
import { canariesSchema, scenarioSchema } from '../../../src/sandbox/sandbox-options.js';

/**
 * The gemeente side of `/__control` (`partners/README.md` §3, spec §9): a reset reloads the
 * scenario; `PUT /__control/records/{RIV|PWU|LKS}/{identificatie}` with a `PW:object` body appends
 * a T (new or removed object) or W mutation with the next number, `?visibleAfter=n` holding it back
 * until mutation n has been served (G19); `DELETE` appends a V. The sandbox sets the number, the
 * mutatiesoort, the identificatie and `tijdstipRegistratie` (the clock); the rest of the body is
 * served as given. Extra routes: `GET ground-truth`, `GET edge-cases`.
 */
export const resetSchema = z.strictObject({
  scenario: scenarioSchema.optional(),
  seed: z.number().int().min(0).max(4_294_967_295).optional(),
  persons: z.number().int().min(0).max(1_000_000).optional(),
  canaries: canariesSchema.optional(),
});
export type ResetInput = z.infer<typeof resetSchema>;

const ID = /^[A-Za-z0-9._-]{1,40}$/;
const MANAGED = new Set(['mutatievolgnummer', 'mutatiesoort', 'identificatie', 'gemeentecode', 'tijdstipRegistratie']);
const visibleAfterSchema = z.strictObject({ visibleAfter: z.coerce.number().int().min(1).optional() });

function toNode(element: XmlElement): XNode | undefined {
  const ns = element.ns === PW_NS ? 'PW' : element.ns === STUF_NS ? 'StUF' : undefined;
  if (!ns) return undefined;
  const attrs = element.attributes.flatMap((a): Array<readonly ['StUF' | 'xsi' | '', string, string]> =>
    a.ns === STUF_NS ? [['StUF', a.local, a.value]] : a.ns === XSI_NS ? [['xsi', a.local, a.value]] : a.ns === '' ? [['', a.local, a.value]] : []);
  const children = element.children.map(toNode).filter((n): n is XNode => n !== undefined);
  return { ns, name: element.local, ...(attrs.length > 0 ? { attrs } : {}), ...(children.length > 0 ? { children } : { text: element.text.trim() }) };
}

export interface GemeenteControlOptions {
  readonly state: GemeenteState;
  readonly initial: LoadRequest & { readonly personsGiven: boolean };
}

export function gemeenteControl(options: GemeenteControlOptions): ControlTarget<ResetInput> {
  const { state, initial } = options;
  const log = () => state.caseload.log;

  const putRecord = (kind: string, id: string, body: Buffer, query: URLSearchParams): ControlReply => {
    if (!isEntiteittype(kind) || !ID.test(id)) return { status: 400, body: { error: 'expected /__control/records/{RIV|PWU|LKS}/{identificatie} (letters, digits, . _ -, at most 40)' } };
    const params = visibleAfterSchema.safeParse(Object.fromEntries(query));
    if (!params.success) return { status: 400, body: { error: 'query: visibleAfter must be a mutatievolgnummer' } };
    let root: XmlElement;
    try {
      root = parseXml(body, { maxBytes: 4 * 1024 * 1024 });
    } catch {
      return { status: 400, body: { error: 'the body must be one well-formed PW:object element (XML)' } };
    }
    if (root.ns !== PW_NS || root.local !== 'object') return { status: 400, body: { error: `the body must be a PW:object in namespace ${PW_NS}` } };
    const typeAttr = root.attributes.find((a) => a.ns === STUF_NS && a.local === 'entiteittype')?.value;
    if (typeAttr !== undefined && typeAttr !== kind) return { status: 400, body: { error: `the object's StUF:entiteittype is ${typeAttr}, the path says ${kind}` } };
    const latest = log().latest(kind, id);
    const given = root.children.find((c) => c.ns === PW_NS && c.local === 'gemeentecode')?.text.trim();
    const gemeentecode = given || latest?.key.gemeentecode;
    if (!gemeentecode || !/^[0-9]{4}$/.test(gemeentecode)) return { status: 400, body: { error: 'the object needs a PW:gemeentecode (4 digits)' } };
    const sleutel = root.attributes.find((a) => a.ns === STUF_NS && a.local === 'sleutelGegevensbeheer')?.value ?? latest?.key.sleutel ?? id;
    const key: ObjectKey = { type: kind, identificatie: id, sleutel, gemeentecode };
    const rest = root.children.filter((c) => !(c.ns === PW_NS && MANAGED.has(c.local)) && !(c.ns === STUF_NS && c.local === 'tijdstipRegistratie')).map(toNode).filter((n): n is XNode => n !== undefined);
    const ips = root.children.find((c) => c.ns === PW_NS && c.local === 'indicatieIps')?.text.trim();
    const soort = !latest || latest.soort === 'V' ? 'T' : 'W';
    const mutation = log().append({
      key, soort, atMs: state.clock.nowMs(), person: 'control',
      ...(kind === 'RIV' && (ips === 'J' || ips === 'N') ? { indicatieIps: ips } : {}),
      ...(params.data.visibleAfter !== undefined ? { visibleAfter: params.data.visibleAfter } : {}),
      build: (n, tijdstip) => pw('object', [...headElements(key, { n, soort }), ...rest, stuf('tijdstipRegistratie', tijdstip)], objectAttrs(key)),
    });
    return { status: soort === 'T' ? 201 : 200, body: { entiteittype: kind, identificatie: id, mutatievolgnummer: mutation.n, mutatiesoort: soort, visible: mutation.visible } };
  };

  const deleteRecord = (kind: string, id: string): ControlReply => {
    if (!isEntiteittype(kind)) return { status: 400, body: { error: 'expected /__control/records/{RIV|PWU|LKS}/{identificatie}' } };
    const latest = log().latest(kind as Entiteittype, id);
    if (!latest || latest.soort === 'V') return { status: 404, body: { error: `${kind}/${id} is not a live object` } };
    const key = latest.key;
    const mutation = log().append({ key, soort: 'V', atMs: state.clock.nowMs(), person: 'control', build: (n) => pw('object', headElements(key, { n, soort: 'V' }), objectAttrs(key)) });
    return { status: 200, body: { entiteittype: kind, identificatie: id, mutatievolgnummer: mutation.n, mutatiesoort: 'V' } };
  };

  return {
    resetSchema,
    health: () => ({
      partner: state.partner.id,
      ontvanger: state.partner.ontvanger,
      gemeenten: state.partner.gemeenten,
      scenario: state.fixtures ? 'fixtures' : state.request.scenario,
      seed: state.request.seed,
      persons: state.request.persons,
      clock: state.clock.state().now,
      clockFrozen: state.clock.frozen,
      records: log().counts(),
      mutations: log().all.length,
      nextMutation: log().next,
    }),
    reset: (input) => {
      const scenario: Scenario = input.scenario ?? initial.scenario;
      const persons = input.persons ?? (scenario === initial.scenario && initial.personsGiven ? initial.persons : DEFAULT_PERSONS[scenario]);
      const canaries = input.canaries ?? initial.canaries;
      state.reload({ scenario, seed: input.seed ?? initial.seed, persons, ...(canaries ? { canaries } : {}), ...(initial.empty ? { empty: true } : {}) });
    },
    putRecord,
    deleteRecord: (kind, id) => deleteRecord(kind, id),
    routes: {
      'GET ground-truth': () => ({ status: 200, body: groundTruth(state) }),
      'GET edge-cases': () => ({ status: 200, body: { edgeCases: state.caseload.edgeCases } }),
    },
  };
}
