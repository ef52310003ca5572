import { Writable } from 'node:stream';

/** A pino destination that keeps every line, for tests that read the real log output. */
export class LogSink extends Writable {
  readonly lines: string[] = [];
  #partial = '';

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const text = this.#partial + chunk.toString('utf8');
    const parts = text.split('\n');
    this.#partial = parts.pop() ?? '';
    this.lines.push(...parts.filter((line) => line !== ''));
    callback();
  }

  parsed(): Array<Record<string, unknown>> {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}
