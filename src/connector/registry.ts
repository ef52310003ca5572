import { gemeenteStufConnector } from '../../connectors/gemeente-stuf/connector.js';
import { ggzFhirConnector } from '../../connectors/ggz-fhir/connector.js';
import { uwvSuwinetConnector } from '../../connectors/uwv-suwinet/connector.js';
import type { Connector } from './connector.js';

/**
 * Every connector in the repository, by id (= folder name under `connectors/`). A new connector is
 * one line here.
 */
const connectors: ReadonlyMap<string, Connector<unknown, unknown>> = new Map([
  [ggzFhirConnector.id, ggzFhirConnector as unknown as Connector<unknown, unknown>],
  [gemeenteStufConnector.id, gemeenteStufConnector as unknown as Connector<unknown, unknown>],
  [uwvSuwinetConnector.id, uwvSuwinetConnector as unknown as Connector<unknown, unknown>],
]);

export function connectorById(id: string): Connector<unknown, unknown> | undefined {
  return connectors.get(id);
}

export function connectorIds(): string[] {
  return [...connectors.keys()];
}
