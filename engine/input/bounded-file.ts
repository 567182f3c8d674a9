import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/**
 * Reading a file the user named, bounded before it reads: regular files only (a FIFO would block
 * the read forever, /dev/zero would fill memory), at most `maxBytes` on disk and, for gzip, at most
 * `maxInflatedBytes` once decompressed (a small bomb can inflate a thousandfold). Every refusal is
 * a BoundedFileError whose message states the cap, for the caller to put beside the file's name.
 */
export interface FileCaps {
  /** What the file is, for messages: "a scenario file", "a trace". */
  what: string;
  maxBytes: number;
  /** Cap on the decompressed size of a gzip file; gzip is refused when absent. */
  maxInflatedBytes?: number;
}

export class BoundedFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BoundedFileError';
  }
}

/** "1 MB", "512 MB", "2 GB": sizes as the caps are stated (binary units, one decimal below 10). */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} bytes` : `${v < 10 && !Number.isInteger(v) ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

function kindOf(stat: ReturnType<typeof fstatSync>): string {
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Opens `path` for reading without blocking (O_NONBLOCK: opening a FIFO would otherwise wait for a
 * writer) and checks, on the opened descriptor so nothing can be swapped in between, that it is a
 * regular file within the cap. Returns the descriptor and the size.
 */
function openRegular(path: string, caps: FileCaps): { fd: number; size: number } {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new BoundedFileError(code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? `expected ${caps.what}, got a folder` : `cannot read the file (${code ?? String(error)})`);
  }
  const stat = fstatSync(fd);
  if (!stat.isFile()) {
    closeSync(fd);
    throw new BoundedFileError(`expected ${caps.what} (a regular file), got ${kindOf(stat)}`);
  }
  if (stat.size > caps.maxBytes) {
    closeSync(fd);
    throw new BoundedFileError(`expected ${caps.what} of at most ${formatBytes(caps.maxBytes)}, got ${formatBytes(stat.size)}`);
  }
  return { fd, size: stat.size };
}

/** The file's bytes, gunzipped when they start with the gzip magic (or the name ends in .gz). */
export function readBoundedFile(path: string, caps: FileCaps): Buffer {
  const { fd, size } = openRegular(path, caps);
  let bytes: Buffer;
  // A file that stats as empty is read as empty: procfs files (/proc/self/environ) stat as 0
  // bytes whatever they hold, and are not inputs.
  if (size === 0) {
    closeSync(fd);
    return Buffer.alloc(0);
  }
  try {
    // Read at most one byte past the cap: a file that grew after fstat is caught, not read whole.
    const buffer = Buffer.allocUnsafe(Math.min(size, caps.maxBytes) + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length === buffer.length) break;
    }
    if (length > caps.maxBytes) throw new BoundedFileError(`expected ${caps.what} of at most ${formatBytes(caps.maxBytes)}, got more (it grew while being read)`);
    bytes = buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
  const gzipped = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  if (!gzipped && !path.endsWith('.gz')) return bytes;
  if (caps.maxInflatedBytes === undefined) throw new BoundedFileError(`expected ${caps.what} as plain text, got a gzip file`);
  try {
    return gunzipSync(bytes, { maxOutputLength: caps.maxInflatedBytes });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
      throw new BoundedFileError(`expected ${caps.what} that decompresses to at most ${formatBytes(caps.maxInflatedBytes)}, got more`);
    }
    throw new BoundedFileError(`not a valid gzip file (${(error as Error).message.split('\n', 1)[0]})`);
  }
}

/** Text of a bounded file, without a UTF-8 byte-order mark. */
export function readBoundedText(path: string, caps: FileCaps): string {
  const text = readBoundedFile(path, caps).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
