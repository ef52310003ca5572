import { randomBytes } from 'node:crypto';
import type { ContractSubject, KitExpectation, KitSandbox } from '../../src/connector-kit/contract-subject.js';
import { canaryPersons, type Canaries } from '../../src/sandbox/index.js';
import type { QuarantineReason } from '../../src/trajectory/codes.js';
import { gemeenteStufConfigSchema, type GemeenteStufConfig } from './config-schema.js';
import { gemeenteStufConnector } from './connector.js';
import { sourceOf } from './mapping/source-ref.js';
import { startGemeenteSandbox, type GemeenteSandbox } from './sandbox/server.js';
import { entiteittypen, questionName, type Entiteittype } from './stuf-names.js';

/**
 * The gemeente connector as the contract kit sees it (`src/connector-kit/contract-subject.ts`).
 * The sandbox plays `gem-utrecht`; record references use that partner id, which the returned
 * sandbox also names as `partnerId` (the kit's edge context must use it).
 *
 * What a full pull emits: every mutation served, in number order, one draft or rejection each
 * (a T or W a record, a V a tombstone), so `expected()` lists one `record_ref` per mutation, not
 * only the latest per object. The exception is edge case G19: its held-back mutation becomes
 * visible only after the higher number was served, so a first full pull does not see it and the
 * next pull's overlap emits it (then, and only then). `expected()` leaves it out.
 */
const PARTNER = 'gem-utrecht';

/** Canary values planted for privacy checks: names, an address, a birth date and a note. */
export const kitCanaries: Canaries = {
  names: ['Canarina Vogelzang', 'Pieterbas Kanariepiet'],
  addresses: ['Kanariestraat 17'],
  birthDates: ['1977-07-07'],
  notes: ['Canarynotitie: werkwens bakkerij, belt liever niet op maandag'],
};

interface GemeenteKitSandbox extends KitSandbox {
  readonly partnerId: string;
}

const sandboxes = new WeakMap<KitSandbox, GemeenteSandbox>();

function sandboxOf(kit: KitSandbox): GemeenteSandbox {
  const sandbox = sandboxes.get(kit);
  if (!sandbox) throw new Error('gemeente-stuf contract: not a sandbox this subject started');
  return sandbox;
}

function canaryValues(canaries: Canaries): string[] {
  const persons = canaryPersons(canaries);
  const bsns = persons.map((p) => p.bsn);
  const birth = (canaries.birthDates ?? []).flatMap((d) => [d, d.replace(/-/g, '')]);
  return [...(canaries.names ?? []), ...persons.map((p) => p.familyName), ...bsns, ...bsns.map((b) => b.replace(/^0/, '')), ...(canaries.addresses ?? []), ...birth, ...(canaries.notes ?? [])];
}

export const contractSubject: ContractSubject<GemeenteStufConfig> = {
  connector: gemeenteStufConnector,
  partnerId: PARTNER,
  kind: 'soap',
  async startSandbox(options) {
    const token = randomBytes(16).toString('hex');
    const sandbox = await startGemeenteSandbox({
      partner: PARTNER, token, scenario: options.scenario, now: options.now,
      ...(options.persons !== undefined ? { persons: options.persons } : {}),
      ...(options.empty ? { empty: true } : {}),
      ...(options.canaries ? { canaries: kitCanaries } : {}),
    });
    const kit: GemeenteKitSandbox = {
      url: sandbox.url,
      token,
      controlToken: sandbox.controlToken,
      partnerId: PARTNER,
      // The cast P1's clear identifiers are served too; the canaries only when planted.
      canaries: () => [...(options.canaries ? canaryValues(kitCanaries) : []), '999990019', 'Sanne', '19910614', 'Grand Café De Zaak'],
      close: () => sandbox.close(),
    };
    sandboxes.set(kit, sandbox);
    return kit;
  },
  settings(sandbox, options) {
    return gemeenteStufConfigSchema.parse({
      baseUrl: sandbox.url, tokenEnv: options.tokenEnv, ontvanger: { organisatie: sandboxOf(sandbox).ontvanger }, zender: { gebruiker: PARTNER },
      ...(options.pageSize !== undefined ? { pageSize: Math.min(options.pageSize, 200) } : {}),
    });
  },
  expected(sandbox, pseudonymiser): KitExpectation {
    const truth = sandboxOf(sandbox).groundTruth();
    const served: Array<{ n: number; ref: string; reason?: QuarantineReason; outcome: string }> = [];
    for (const object of truth.objects) {
      for (const mutation of object.mutations) {
        if (mutation.expect.late || (!mutation.visible && mutation.visibleAfter !== undefined)) continue;
        const ref = sourceOf(truth.partner, object.entiteittype, object.identificatie, mutation.n, pseudonymiser).record_ref;
        served.push({ n: mutation.n, ref, outcome: mutation.expect.outcome, ...(mutation.expect.reason ? { reason: mutation.expect.reason } : {}) });
      }
    }
    served.sort((a, b) => a.n - b.n);
    return {
      recordRefs: served.filter((s) => s.outcome !== 'rejection').map((s) => s.ref),
      rejections: served.filter((s) => s.outcome === 'rejection' && s.reason !== undefined).map((s) => ({ sourceRef: s.ref, reason: s.reason as QuarantineReason })),
    };
  },
  async mutate(sandbox, count) {
    const gemeente = sandboxOf(sandbox);
    const live = gemeente.groundTruth().objects.filter((o) => !o.removed && o.edgeCase === undefined && o.person !== 'control' && !/(^|[^0-9])[0-9]{9}([^0-9]|$)/.test(o.identificatie));
    // Round-robin over the entiteittypen, newest objects first, so every stream gets changes.
    const queues = new Map<Entiteittype, typeof live>(entiteittypen.map((type) => [type, live.filter((o) => o.entiteittype === type).reverse()]));
    const chosen: typeof live = [];
    while (chosen.length < count && [...queues.values()].some((q) => q.length > 0)) {
      for (const type of entiteittypen) {
        const next = queues.get(type)?.shift();
        if (next && chosen.length < count) chosen.push(next);
      }
    }
    const keys: string[] = [];
    for (const object of chosen) {
      const xml = gemeente.objectXml(object.entiteittype, object.identificatie);
      if (xml === undefined) continue;
      const response = await fetch(`${sandbox.url}/__control/records/${object.entiteittype}/${encodeURIComponent(object.identificatie)}`, {
        method: 'PUT', headers: { Authorization: `Bearer ${sandbox.controlToken}`, 'Content-Type': 'text/xml; charset=utf-8' }, body: xml,
      });
      if (!response.ok) throw new Error(`gemeente-stuf contract: PUT ${object.entiteittype}/${object.identificatie} answered ${response.status}`);
      keys.push(`${PARTNER}:${object.entiteittype}/${object.identificatie}`);
    }
    return keys;
  },
  faultMatch(stream) {
    return entiteittypen.includes(stream as Entiteittype) ? { method: 'POST', operation: questionName(stream as Entiteittype) } : { method: 'POST', path: '/stuf/' };
  },
  transientSoapFaultCode: 'StUF049',
  smallScenarioPersons: 60,
};
