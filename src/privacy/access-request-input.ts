import { readFile } from 'node:fs/promises';
import { WerkbrugError } from '../errors/werkbrug-error.js';
import { normaliseBsn } from '../stages/bsn.js';
import { containsBsnLike } from './access-log.js';

/**
 * Where the BSN of an access request comes from: standard input or a file, never the command
 * line, because every user of the machine can read a process's arguments (`ps`, /proc) and
 * shells keep them in their history. The BSN lives in this process's memory only, long enough
 * to be pseudonymised; no message, log line or file ever repeats it.
 */

/** The most a BSN input may hold: a BSN with separators and a line ending, with room to spare. */
const maxInputBytes = 256;

function refused(field: string, expected: string, detail?: string): WerkbrugError {
  return new WerkbrugError('WB_PRIVACY_INPUT_INVALID', { field, expected, ...(detail === undefined ? {} : { detail }) });
}

/**
 * Refuses a command line that carries something BSN-shaped (an argument or an option value),
 * naming only the position. Call it before anything else happens.
 */
export function refuseBsnOnCommandLine(args: readonly string[]): void {
  const at = args.findIndex((arg) => containsBsnLike(arg) || /(?<![0-9])[0-9]{9}(?![0-9])/.test(arg));
  if (at >= 0) {
    throw refused(
      `command-line argument ${at + 1}`,
      'no BSN on the command line',
      'it looks like a BSN, and the command line is visible to every user of this machine; give the BSN on standard input or with --bsn-file',
    );
  }
}

async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array);
    size += buffer.length;
    if (size > maxInputBytes) throw refused('standard input', 'one BSN (at most a short line)', 'the input is too long for a BSN');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function readSource(source: { bsnFile?: string; stdin: NodeJS.ReadableStream }): Promise<{ text: string; field: string }> {
  if (source.bsnFile === undefined) return { text: await readStdin(source.stdin), field: 'standard input' };
  const buffer = await readFile(source.bsnFile).catch(() => {
    throw refused('--bsn-file', 'a readable file holding one BSN', 'the file cannot be read');
  });
  if (buffer.length > maxInputBytes) throw refused('--bsn-file', 'a file holding one BSN', 'the file is too long for a BSN');
  return { text: buffer.toString('utf8'), field: '--bsn-file' };
}

/**
 * Reads and checks the BSN: one non-empty line, normalised and checked with the 11-proef like at
 * the edge (`normaliseBsn`). An invalid or missing BSN is refused by its reason only.
 */
export async function readRequestBsn(source: { bsnFile?: string; stdin: NodeJS.ReadableStream }): Promise<string> {
  const { text, field } = await readSource(source);
  const lines = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '');
  if (lines.length > 1) throw refused(field, 'exactly one BSN', 'more than one line was given; an access request is about one person');
  const result = normaliseBsn(lines[0]);
  if (!result.ok) {
    throw result.reason === 'bsn-missing'
      ? refused(field, 'a BSN (9 digits)', 'no BSN was given')
      : refused(field, 'a valid BSN (9 digits that pass the 11-proef)', 'the BSN is not valid: it is not 9 digits or fails the 11-proef');
  }
  return result.bsn;
}
