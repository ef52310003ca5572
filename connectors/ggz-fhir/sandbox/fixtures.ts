import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isJsonObject, type JsonObject, type JsonValue } from './fhir-json.js';
import { jsonVersion } from './json-version.js';
import { ResourceStore } from './resource-store.js';

/**
 * Fixture folder mode (`SANDBOX_FIXTURES`, `partners/ggz-fhir-r4.md` §8): every `.json` file below
 * the folder (sorted by path) is one resource or a Bundle of any type. Bundle entries are unpacked;
 * a `urn:uuid:` fullUrl becomes the resource's id and references to it are rewritten to
 * `{type}/{id}` (so are references to an entry's absolute fullUrl); a missing `meta.versionId`
 * becomes `1` and a missing `meta.lastUpdated` the load time. FHIR XML is not read.
 *
 * Throws, naming the file, when a file is not JSON or holds no resource: a fixture folder is
 * set up by a person, who should hear about it at start-up.
 */
export interface FixtureLoad {
  readonly store: ResourceStore;
  readonly files: number;
  readonly resources: number;
}

interface Pending {
  readonly resource: JsonObject;
  readonly fullUrl?: string;
  readonly fallbackId: string;
}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.toLowerCase().endsWith('.json') && statSync(join(dir, name)).isFile())
    .sort();
}

function unpack(json: unknown, file: string, index: number): Pending[] {
  if (!isJsonObject(json) || typeof json.resourceType !== 'string') throw new Error(`sandbox fixtures: ${file} is not a FHIR resource (no resourceType)`);
  if (json.resourceType !== 'Bundle') return [{ resource: json, fallbackId: `fx-${index}` }];
  const entries = Array.isArray(json.entry) ? json.entry : [];
  return entries.flatMap((entry, k): Pending[] => {
    if (!isJsonObject(entry) || !isJsonObject(entry.resource) || typeof entry.resource.resourceType !== 'string') return [];
    return [{ resource: entry.resource, ...(typeof entry.fullUrl === 'string' ? { fullUrl: entry.fullUrl } : {}), fallbackId: `fx-${index}-${k}` }];
  });
}

function rewrite(value: JsonValue, targets: ReadonlyMap<string, string>): JsonValue {
  if (Array.isArray(value)) return value.map((item) => rewrite(item, targets));
  if (!isJsonObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = key === 'reference' && typeof item === 'string' ? (targets.get(item) ?? item) : rewrite(item, targets);
  }
  return out;
}

export function loadFixtures(dir: string, loadTimeMs: number): FixtureLoad {
  const files = jsonFiles(dir);
  const pending: Pending[] = [];
  files.forEach((name, index) => {
    const text = readFileSync(join(dir, name), 'utf8').replace(/^\uFEFF/, '');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`sandbox fixtures: ${relative(process.cwd(), join(dir, name))} is not valid JSON`);
    }
    pending.push(...unpack(json, name, index));
  });

  const resolved = pending.map(({ resource, fullUrl, fallbackId }) => {
    const uuid = fullUrl?.startsWith('urn:uuid:') ? fullUrl.slice('urn:uuid:'.length) : undefined;
    const id = uuid ?? (typeof resource.id === 'string' && resource.id !== '' ? resource.id : fallbackId);
    return { resource, fullUrl, id, type: String(resource.resourceType) };
  });
  const targets = new Map<string, string>();
  for (const { fullUrl, id, type } of resolved) if (fullUrl) targets.set(fullUrl, `${type}/${id}`);

  const store = new ResourceStore();
  for (const { resource, id } of resolved) {
    const rewritten = rewrite({ ...resource, id }, targets);
    if (!isJsonObject(rewritten)) continue;
    const meta = isJsonObject(rewritten.meta) ? rewritten.meta : {};
    const versionId = typeof meta.versionId === 'string' && meta.versionId !== '' ? meta.versionId : '1';
    const given = typeof meta.lastUpdated === 'string' ? Date.parse(meta.lastUpdated) : Number.NaN;
    store.put(jsonVersion(rewritten, { versionId, lastUpdatedMs: Number.isFinite(given) ? given : loadTimeMs }));
  }
  return { store, files: files.length, resources: resolved.length };
}
