import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashBsn, P1, P2, P7, P8 } from '../../../src/sandbox/index.js';
import { readEnvelope, readFault, WSA_NS } from '../../../src/xml/soap.js';
import { childElement, childElements, childText, parseXml, type XmlElement } from '../../../src/xml/xml-document.js';
import { question, SOAP_HEADERS } from '../request.js';
import { FWI_NS, IKV, WV, type ServiceWireNames } from '../suwiml.js';
import { startUwvSandbox, type UwvSandbox } from './server.js';

let sandbox: UwvSandbox;
const period = { from: '2024-02-03', to: '2025-08-02' };

beforeAll(async () => {
  sandbox = await startUwvSandbox({ now: '2025-08-02T09:00:00+02:00', persons: 30 });
});
afterAll(async () => sandbox.close());

async function ask(service: ServiceWireNames, bsn: string, options: { token?: string; body?: string; headers?: Record<string, string> } = {}) {
  const endpoint = `${sandbox.url}${service.path}`;
  const q = question({ service, endpoint, fromAddress: 'https://werkbrug.example/edge/am13?oin=00000001999999999000', bsn, period });
  const response = await fetch(endpoint, { method: 'POST', headers: { ...SOAP_HEADERS, Authorization: `Bearer ${options.token ?? sandbox.token}`, ...options.headers }, body: options.body ?? q.xml });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, messageId: q.messageId };
}

function body(text: string): { header: XmlElement | undefined; payload: XmlElement | undefined } {
  const env = readEnvelope(parseXml(text));
  return { header: env?.header, payload: env?.payload };
}

describe('UWV sandbox: answers', () => {
  it('answers P1 inkomsten as §7.2: two relations, the job at 812345605L01 with monthly returns, delivered until the end of last month', async () => {
    const answer = await ask(IKV, P1.bsn);
    expect(answer.status).toBe(200);
    const { header, payload } = body(answer.text);
    expect(childText(header!, WSA_NS, 'Action')).toBe(IKV.responseAction);
    expect(childText(header!, WSA_NS, 'RelatesTo')).toBe(answer.messageId);
    expect(childText(header!, WSA_NS, 'To')).toContain('?oin=00000001999999999000');
    expect(payload?.ns).toBe(IKV.bodyNs);
    const client = childElement(payload!, '', 'ClientSuwi')!;
    expect(childText(client, '', 'Burgerservicenr')).toBe(P1.bsn);
    const relations = childElements(client, '', 'Inkomstenverhouding');
    expect(relations.map((r) => childText(childElement(r, '', 'AdministratieveEenheid')!, '', 'Loonheffingennr'))).toEqual(['823456717L01', '812345605L01']);
    const jobReturns = childElements(relations[1]!, '', 'Inkomstenopgave').map((r) => [childText(r, '', 'DatBIko'), childText(r, '', 'AantVerloondeUrenIko')]);
    expect(jobReturns).toEqual([['20250601', '103'], ['20250701', '106']]);
    const delivered = childElement(payload!, '', 'PeriodeGegevensleveringIko')!;
    expect([childText(delivered, '', 'DatBPeriode'), childText(delivered, '', 'DatEPeriode')]).toEqual(['20240203', '20250731']);
  });

  it('answers P2 werknemersverzekeringen with the WGA entitlement of §7.3', async () => {
    const { payload } = body((await ask(WV, P2.bsn)).text);
    const uv = childElement(childElement(payload!, '', 'ClientSuwi')!, '', 'Uitkeringsverhouding')!;
    expect(childText(uv, '', 'DatBUitkeringsverhouding')).toBe('20220915');
    expect(childText(childElement(uv, '', 'SzWet')!, '', 'CdSzWet')).toBe('WGA');
  });

  it('answers NietsGevonden for P7 and for a BSN it does not know', async () => {
    for (const bsn of [P7.bsn, '999991000']) {
      const { payload } = body((await ask(IKV, bsn)).text);
      expect(childElement(payload!, FWI_NS, 'NietsGevonden')).toBeDefined();
    }
  });

  it('refuses a wrong token with 401, WWW-Authenticate and a Fault without FWI detail', async () => {
    const answer = await ask(IKV, P1.bsn, { token: 'wrong' });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(readFault(body(answer.text).payload)?.detail).toEqual([]);
  });

  it('refuses an Action that does not fit the endpoint with Fault FWI0030', async () => {
    const endpoint = `${sandbox.url}${IKV.path}`;
    const wrong = question({ service: WV, endpoint, fromAddress: 'https://x.example/?oin=1', bsn: P1.bsn }).xml;
    const answer = await fetch(endpoint, { method: 'POST', headers: { ...SOAP_HEADERS, Authorization: `Bearer ${sandbox.token}` }, body: wrong });
    expect(answer.status).toBe(500);
    const fault = readFault(body(await answer.text()).payload);
    expect(fault?.faultcodeLocal).toBe('Client');
    expect(childText(fault!.detail[0]!, '', 'Code')).toBe('FWI0030');
  });

  it('refuses a question without MessageID with FWI0030', async () => {
    const q = question({ service: IKV, endpoint: `${sandbox.url}${IKV.path}`, fromAddress: 'https://x.example/?oin=1', bsn: P1.bsn }).xml.replace(/<wsa:MessageID>[^<]*<\/wsa:MessageID>/, '');
    const answer = await ask(IKV, P1.bsn, { body: q });
    expect(childText(readFault(body(answer.text).payload)!.detail[0]!, '', 'Code')).toBe('FWI0030');
  });
});

describe('UWV sandbox: faults and journal', () => {
  it('a soap-fault rule for P8 only answers P8 with an FWI Fault and keeps the BSN only as a hash', async () => {
    const control = { Authorization: `Bearer ${sandbox.controlToken}`, 'Content-Type': 'application/json' };
    const armed = await fetch(`${sandbox.url}/__control/faults`, { method: 'POST', headers: control, body: JSON.stringify({ match: { bsn: P8.bsn }, fault: { type: 'soap-fault', code: 'FWI0010' }, times: 1 }) });
    expect(armed.status).toBe(201);
    expect((await ask(IKV, P1.bsn)).status).toBe(200);
    const p8 = await ask(IKV, P8.bsn);
    expect(p8.status).toBe(500);
    const { header, payload } = body(p8.text);
    expect(childText(header!, WSA_NS, 'Action')).toBe(IKV.faultAction);
    expect(childText(readFault(payload)!.detail[0]!, '', 'Code')).toBe('FWI0010');
    const journal = sandbox.journal();
    const last = journal[journal.length - 1]!;
    expect(last).toMatchObject({ operation: 'UWVPersoonsIkvInfo', bsnHash: hashBsn(P8.bsn), fault: { type: 'soap-fault' } });
    expect(JSON.stringify(journal)).not.toContain(P8.bsn);
  });

  it('xml-doctype puts a DOCTYPE with entities before the answer', async () => {
    const answer = await ask(IKV, P1.bsn, { headers: { 'X-Sandbox-Fault': 'type=xml-doctype' } });
    expect(answer.text).toMatch(/<!DOCTYPE[^>]*<!ENTITY/);
  });
});
