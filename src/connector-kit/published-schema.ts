import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { draftHash } from '../trajectory/draft-hash.js';
import { trajectoryFormat, type DraftRecord } from '../trajectory/trajectory-record.js';
import { packageRoot } from '../support/package-root.js';

/**
 * The published JSON Schema of the trajectory format (`src/trajectory/trajectory-format.schema.json`,
 * a copy of `shared/trajectory-format.schema.json`), for the kit's check that every draft is a
 * record other parties can read. ajv is a development dependency: only the kit loads this module,
 * and the CLI loads the kit on demand, so a production install never needs it.
 */
let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (compiled) return compiled;
  const schema: unknown = JSON.parse(readFileSync(join(packageRoot(), 'src', 'trajectory', 'trajectory-format.schema.json'), 'utf8'));
  const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  compiled = ajv.compile(schema as object);
  return compiled;
}

/**
 * Problems of a draft against the published schema, as `path: message` (empty when it passes).
 * The draft is completed the way the core completes a permitted record (format, purposes and a
 * lineage with a consent decision; a tombstone gets neither), since the schema describes stored
 * records.
 */
export function publishedSchemaProblems(draft: DraftRecord, connector: string, mappingVersion: string): string[] {
  const validate = validator();
  const live = draft.source.deleted !== true;
  const record = {
    format: trajectoryFormat,
    ...draft,
    ...(live ? { purposes: ['P_MONITOR_REGIO'] } : {}),
    lineage: {
      ingested_at: '2026-01-01T00:00:00Z', connector, mapping_version: mappingVersion, batch_id: 'kit-batch-00001', content_hash: draftHash(draft),
      ...(live ? { consent_decision: `cl1:${'0'.repeat(64)}` } : {}),
    },
  };
  if (validate(record)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || '/'}: ${error.message ?? 'invalid'}`);
}
