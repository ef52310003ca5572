import type { XmlElement } from '../../src/xml/xml-document.js';
import type { Entiteittype } from './stuf-names.js';

/**
 * What `pull()` hands to `edge()`: one `PW:object` of an answer, namespaces resolved. Items live
 * only inside the edge process (they hold the client's BSN, names and address in clear) and never
 * reach the queue: `edge()` reads the allowlist of `source-schema.ts` and drops the rest.
 */
export interface StufItem {
  readonly stream: Entiteittype;
  readonly object: XmlElement;
}
