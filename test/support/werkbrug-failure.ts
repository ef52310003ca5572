import { WerkbrugError } from '../../src/errors/werkbrug-error.js';

/** The WerkbrugError a promise rejects with; any other outcome fails the test. */
export async function werkbrugFailure(promise: Promise<unknown>): Promise<WerkbrugError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof WerkbrugError) return error;
    throw error;
  }
  throw new Error('expected a WerkbrugError');
}
