import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseXml } from '../../../src/xml/xml-document.js';
import { SOAP11_NS } from '../../../src/xml/soap.js';
import type { PreparedResponse } from '../../../src/sandbox/index.js';
import { entiteittypen, type Entiteittype } from '../stuf-names.js';

/**
 * Fixture folder mode (spec §9): files `{ENTITEITTYPE}_La01_{nnn}.xml`, each a SOAP envelope or a
 * bare La01 element, served in number order per entiteittype: `001` answers a first question,
 * each follow-up the next file. Selection and `start` are not evaluated, so a captured
 * conversation with a real suite replays as it was. A bare answer is put in an envelope; bytes
 * are otherwise served as stored, in their declared encoding.
 */
const FILE = /^(PWU|RIV|LKS)_La01_([0-9]{3})\.xml$/;

export type FixtureFiles = Readonly<Record<Entiteittype, readonly Buffer[]>>;

export function loadFixtureFiles(dir: string): FixtureFiles {
  const found: Record<Entiteittype, Array<[number, Buffer]>> = { PWU: [], RIV: [], LKS: [] };
  for (const name of readdirSync(dir).sort()) {
    const match = FILE.exec(name);
    if (!match?.[1] || !match[2]) continue;
    const bytes = readFileSync(join(dir, name));
    try {
      parseXml(bytes);
    } catch (error) {
      throw new Error(`gemeente sandbox: fixture ${name} is not well-formed XML (${error instanceof Error ? error.message : 'unreadable'})`);
    }
    found[match[1] as Entiteittype].push([Number(match[2]), bytes]);
  }
  return Object.fromEntries(entiteittypen.map((type) => [type, found[type].sort((a, b) => a[0] - b[0]).map(([, bytes]) => bytes)])) as unknown as FixtureFiles;
}

export function fixtureAnswer(bytes: Buffer): PreparedResponse {
  const root = parseXml(bytes);
  const head = bytes.subarray(0, 200).toString('latin1');
  const latin1 = /encoding\s*=\s*["'](iso-8859-1|latin1|windows-1252)["']/i.test(head);
  const contentType = `text/xml; charset=${latin1 ? 'ISO-8859-1' : 'utf-8'}`;
  if (root.ns === SOAP11_NS && root.local === 'Envelope') return { status: 200, headers: { 'Content-Type': contentType }, body: bytes };
  const text = bytes.toString(latin1 ? 'latin1' : 'utf8').replace(/^\uFEFF/, '');
  const declaration = /^\s*<\?xml[^>]*\?>/.exec(text)?.[0] ?? '<?xml version="1.0" encoding="UTF-8"?>';
  const wrapped = `${declaration}\n<soapenv:Envelope xmlns:soapenv="${SOAP11_NS}"><soapenv:Body>${text.slice(text.indexOf(declaration) >= 0 ? text.indexOf(declaration) + declaration.length : 0)}</soapenv:Body></soapenv:Envelope>\n`;
  return { status: 200, headers: { 'Content-Type': contentType }, body: Buffer.from(wrapped, latin1 ? 'latin1' : 'utf8') };
}
