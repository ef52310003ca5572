import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseXml, XmlError } from '../../../src/xml/xml-document.js';
import { SERVICES } from '../suwiml.js';
import type { ServedPerson, ServiceAnswerPlan } from './served.js';

/**
 * Fixture folder mode (`SANDBOX_FIXTURES`, spec §9): files named `{dienst}_{operatie}_{bsn}.xml`
 * hold the answer element (`…Response`) without an envelope, the layout of the public Suwinet
 * simulator. They are served as they are; a BSN without a file gets `fwi:NietsGevonden`. Files of
 * other services or with a suffix (`_old.xml`) are not answers and are skipped; a matching file
 * that is not XML stops the start, naming the file (never its content).
 */
const FILE = /^([A-Za-z]+)_([A-Za-z]+)_([0-9]{9})\.xml$/;

export interface FixtureLoad {
  readonly persons: readonly ServedPerson[];
  readonly files: number;
}

export function loadFixtures(dir: string): FixtureLoad {
  const byBsn = new Map<string, { ikv?: ServiceAnswerPlan; wv?: ServiceAnswerPlan }>();
  let files = 0;
  for (const name of readdirSync(dir).sort()) {
    const match = FILE.exec(name);
    if (!match || !statSync(join(dir, name)).isFile()) continue;
    const [, dienst, operatie, bsn] = match;
    const service = SERVICES.find((s) => s.dienst === dienst && s.operation === operatie);
    if (!service || !bsn) continue;
    const text = readFileSync(join(dir, name), 'utf8').replace(/^\uFEFF/, '').replace(/^<\?xml[^>]*\?>\s*/, '');
    try {
      parseXml(text);
    } catch (error) {
      throw new Error(`uwv sandbox fixtures: ${name} is not well-formed XML (${error instanceof XmlError ? error.reason : 'unreadable'})`);
    }
    const entry = byBsn.get(bsn) ?? {};
    entry[service.service] = { kind: 'response', responseXml: text };
    byBsn.set(bsn, entry);
    files += 1;
  }
  const persons = [...byBsn].map(([bsn, plans]): ServedPerson => ({
    key: `F${bsn.slice(-4)}`,
    bsn,
    ikv: [],
    uv: [],
    ikvAnswer: plans.ikv ?? { kind: 'not-found' },
    wvAnswer: plans.wv ?? { kind: 'not-found' },
  }));
  return { persons, files };
}
