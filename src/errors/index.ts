export { errorCatalog, errorCodes, type ErrorCode } from './catalog.js';
export { WerkbrugError, describeError, isWerkbrugError, type ErrorPlace } from './werkbrug-error.js';
