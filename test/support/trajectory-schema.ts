import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

/** The published JSON Schema of the trajectory format (a copy of shared/trajectory-format.schema.json), compiled once. */
export function trajectorySchemaValidator(): ValidateFunction {
  const schema: unknown = JSON.parse(readFileSync('src/trajectory/trajectory-format.schema.json', 'utf8'));
  const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(schema as object);
}
