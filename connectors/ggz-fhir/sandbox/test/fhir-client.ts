import { z } from 'zod';
import type { GgzSandbox } from '../server.js';

/**
 * A plain fetch client for the sandbox tests: bodies are parsed with zod, so tests read FHIR
 * fields typed instead of cast.
 */
export const resourceSchema = z.looseObject({
  resourceType: z.string(),
  id: z.string().optional(),
  meta: z.looseObject({ versionId: z.string().optional(), lastUpdated: z.string().optional() }).optional(),
});
export type Resource = z.infer<typeof resourceSchema>;

const entrySchema = z.looseObject({
  fullUrl: z.string().optional(),
  resource: resourceSchema.optional(),
  search: z.object({ mode: z.string() }).optional(),
  request: z.looseObject({ method: z.string(), url: z.string() }).optional(),
  response: z.looseObject({ status: z.string(), lastModified: z.string().optional() }).optional(),
});
export type Entry = z.infer<typeof entrySchema>;

export const bundleSchema = z.looseObject({
  resourceType: z.literal('Bundle'),
  type: z.string(),
  total: z.number().optional(),
  link: z.array(z.object({ relation: z.string(), url: z.string() })).default([]),
  entry: z.array(entrySchema).default([]),
});
export type Bundle = z.infer<typeof bundleSchema>;

export const outcomeSchema = z.looseObject({
  resourceType: z.literal('OperationOutcome'),
  issue: z.array(z.looseObject({ severity: z.string(), code: z.string(), diagnostics: z.string().optional() })).min(1),
});

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly bytes: Buffer;
  readonly text: string;
  json(): unknown;
}

export const IPS = 'https://werkbrug.example/fhir/CodeSystem/ips';
export const CATEGORY = 'https://werkbrug.example/fhir/CodeSystem/consent-category|ips-data-sharing';
export const EOC_QUERY = `/EpisodeOfCare?type=${IPS}|ips-trajectory&_sort=_lastUpdated`;

export function nextOf(bundle: Bundle): string | undefined {
  return bundle.link.find((link) => link.relation === 'next')?.url;
}

export function matches(bundle: Bundle): Resource[] {
  return bundle.entry.filter((entry) => entry.search?.mode === 'match').flatMap((entry) => (entry.resource ? [entry.resource] : []));
}

export class FhirClient {
  constructor(readonly sandbox: GgzSandbox, private readonly defaults: Readonly<Record<string, string>> = {}) {}

  /** `path` is relative to the FHIR base (`/Patient/x`) or a full URL (a `next` link). */
  async get(path: string, headers: Readonly<Record<string, string>> = {}): Promise<Answer> {
    const url = path.startsWith('http') ? path : `${this.sandbox.baseUrl}${path}`;
    const response = await fetch(url, { headers: { Authorization: `Bearer ${this.sandbox.token}`, ...this.defaults, ...headers } });
    const bytes = Buffer.from(await response.arrayBuffer());
    const text = bytes.toString('utf8');
    return { status: response.status, headers: response.headers, bytes, text, json: () => JSON.parse(text.replace(/^\uFEFF/, '')) };
  }

  async bundle(path: string, headers: Readonly<Record<string, string>> = {}): Promise<Bundle> {
    const answer = await this.get(path, headers);
    if (answer.status !== 200) throw new Error(`expected 200 from ${path}, got ${answer.status}: ${answer.text.slice(0, 300)}`);
    return bundleSchema.parse(answer.json());
  }

  /** Follows `next` links verbatim until there is none. */
  async walk(path: string, headers: Readonly<Record<string, string>> = {}): Promise<Bundle[]> {
    const pages: Bundle[] = [];
    let next: string | undefined = path;
    while (next) {
      const page = await this.bundle(next, headers);
      pages.push(page);
      next = nextOf(page);
    }
    return pages;
  }

  async control(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${this.sandbox.url}/__control/${path}`, {
      method,
      headers: { Authorization: `Bearer ${this.sandbox.controlToken}`, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  }
}
