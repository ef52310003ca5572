import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { WerkbrugError } from '../errors/werkbrug-error.js';
import { connectorById, connectorIds } from '../connector/registry.js';
import { configSchema, type Config } from './schema.js';

/**
 * The only module that reads config files. Every problem is reported at once, each naming the file,
 * the field path, what was expected and what was found (a config value, never a secret: secrets
 * are not in config files).
 */
export class ConfigError extends Error {
  readonly problems: readonly WerkbrugError[];
  readonly file: string;
  constructor(file: string, problems: readonly WerkbrugError[]) {
    super(`${file} has ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${problems.map((p) => `  ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
    this.file = file;
    this.problems = problems;
  }
}

function pathText(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : text === '' ? String(part) : `${text}.${String(part)}`), '');
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const part of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[part];
  }
  return node;
}

function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function expectedOf(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') return `a value of type ${issue.expected}`;
  if (issue.code === 'invalid_value') return `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  if (issue.code === 'unrecognized_keys') return `no unknown field (${issue.keys.join(', ')} is not a setting)`;
  return issue.message;
}

export function issuesToErrors(file: string, raw: unknown, issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): WerkbrugError[] {
  return issues.map((issue) => {
    const path = [...prefix, ...issue.path];
    const got = issue.code === 'unrecognized_keys' ? undefined : shown(valueAt(raw, path));
    return new WerkbrugError('WB_CONFIG_INVALID', { file, field: pathText(path) || '(root)', expected: expectedOf(issue), got });
  });
}

/** Parses and validates a config text; throws `ConfigError` listing every problem. */
export function parseConfig(file: string, text: string): Readonly<Config> {
  let raw: unknown;
  try {
    raw = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    // Parser messages can quote the input; give position only.
    const line = error instanceof Error && 'linePos' in error ? ` near line ${JSON.stringify((error as { linePos?: Array<{ line: number }> }).linePos?.[0]?.line)}` : '';
    throw new ConfigError(file, [new WerkbrugError('WB_CONFIG_INVALID', { file, field: '(root)', expected: `valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}${line}` })]);
  }
  const result = configSchema.safeParse(raw);
  const problems: WerkbrugError[] = result.success ? [] : issuesToErrors(file, raw, result.error.issues);
  // Partner entries are checked against their connectors even when other parts failed, so one
  // run of `config check` lists every problem of the file.
  const rawPartners = raw !== null && typeof raw === 'object' && Array.isArray((raw as { partners?: unknown }).partners)
    ? ((raw as { partners: unknown[] }).partners) : [];
  const seen = new Set<string>();
  const settingsByIndex = new Map<number, Record<string, unknown>>();
  rawPartners.forEach((entry, index) => {
    if (entry === null || typeof entry !== 'object') return;
    const partner = entry as { id?: unknown; connector?: unknown; settings?: unknown };
    if (typeof partner.id === 'string') {
      if (seen.has(partner.id)) problems.push(new WerkbrugError('WB_CONFIG_INVALID', { file, field: `partners[${index}].id`, expected: 'a partner id used once', got: shown(partner.id) }));
      seen.add(partner.id);
    }
    if (typeof partner.connector !== 'string') return;
    const connector = connectorById(partner.connector);
    if (!connector) {
      problems.push(new WerkbrugError('WB_CONFIG_INVALID', { file, field: `partners[${index}].connector`, expected: `one of ${connectorIds().join(', ')}`, got: shown(partner.connector) }));
      return;
    }
    const settings = connector.configSchema.safeParse(partner.settings ?? {});
    if (!settings.success) problems.push(...issuesToErrors(file, raw, settings.error.issues, ['partners', index, 'settings']));
    else {
      settingsByIndex.set(index, settings.data as Record<string, unknown>);
      problems.push(...scheduleStreamProblems(file, index, (entry as { schedules?: unknown }).schedules, connector.describe(settings.data).streams.map((s) => s.name)));
    }
  });
  if (problems.length > 0 || !result.success) throw new ConfigError(file, problems);
  result.data.partners.forEach((partner, index) => { partner.settings = settingsByIndex.get(index) ?? partner.settings; });
  return Object.freeze(result.data);
}

/** A schedule's `streams` must be streams the partner's connector has. */
function scheduleStreamProblems(file: string, index: number, schedules: unknown, streams: readonly string[]): WerkbrugError[] {
  if (!Array.isArray(schedules)) return [];
  return schedules.flatMap((schedule: unknown, s) => {
    const named = schedule !== null && typeof schedule === 'object' ? (schedule as { streams?: unknown }).streams : undefined;
    if (!Array.isArray(named)) return [];
    return named.flatMap((stream: unknown, k) => (typeof stream === 'string' && !streams.includes(stream)
      ? [new WerkbrugError('WB_CONFIG_INVALID', { file, field: `partners[${index}].schedules[${s}].streams[${k}]`, expected: `a stream of this partner's connector: ${streams.join(', ')}`, got: shown(stream) })]
      : []));
  });
}

export function loadConfig(file: string): Readonly<Config> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError(file, [new WerkbrugError('WB_CONFIG_INVALID', { file, field: '(file)', expected: 'a readable YAML or JSON file' })]);
  }
  return parseConfig(file, text);
}
