import type { Connector, ConnectorDescription } from '@werkbrug/connector/connector.js';
import { __nameCamel__ConfigSchema, type __Name__Config } from './config-schema.js';
import { __nameCamel__Edge } from './edge.js';
import { checkPartner, pullPlacements } from './pull.js';
import type { PlacementItem } from './source-schema.js';

/**
 * The __name__ connector (kind `__kind__`): one stream, `placements`, pulled incrementally by
 * `updatedAt`. Scaffolded by `werkbrug connector new`; `README.md` says what to fill in.
 */
function describe(_config: __Name__Config): ConnectorDescription {
  return {
    streams: [{ name: 'placements', role: 'data', cursor: 'highest updatedAt emitted (UTC) plus the id|version of the records at that instant; the next pull asks from it inclusive' }],
  };
}

export const __nameCamel__Connector: Connector<__Name__Config, PlacementItem> = {
  id: '__name__',
  version: '0.1.0',
  mappingVersion: '0.1',
  kind: '__kind__',
  configSchema: __nameCamel__ConfigSchema,
  describe,
  check: checkPartner,
  pull: pullPlacements,
  edge: __nameCamel__Edge,
};
