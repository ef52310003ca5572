import { holdsNineDigitRun } from '../stages/pseudonymise.js';

/**
 * The path of a partner URL as errors and logs may show it: no query string (a point lookup
 * carries a BSN there), and any segment that holds a run of exactly nine digits — a resource id
 * that may be a BSN — replaced by `{id}`.
 */
export function safePath(url: string | URL): string {
  let pathname: string;
  try {
    pathname = (typeof url === 'string' ? new URL(url) : url).pathname;
  } catch {
    return '(unparseable URL)';
  }
  return pathname.split('/').map((segment) => {
    let decoded = segment;
    try { decoded = decodeURIComponent(segment); } catch { /* keep it as sent */ }
    return holdsNineDigitRun(decoded) ? '{id}' : segment;
  }).join('/');
}
