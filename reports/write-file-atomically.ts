import { createRequire } from 'node:module';
import { closeSync, constants, fsyncSync, lstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

// node:crypto is loaded at the first write, not at start-up: most commands write no file, and
// loading it (with the stream and key machinery it pulls in) costs every short command.
const requireBuiltin = createRequire(import.meta.url);
const randomBytes = (size: number): Buffer => (requireBuiltin('node:crypto') as typeof import('node:crypto')).randomBytes(size);

/** Temp files not yet renamed into place (at most the one being written). */
const pending = new Set<string>();
let signalsHandled = false;

/**
 * From the first write on, SIGINT/SIGTERM/SIGHUP are handled in JavaScript: Node runs a handler
 * between turns of the event loop, so a signal that lands during a write waits for it to finish
 * (the temp file renamed or removed), then the handler removes anything still pending and raises
 * the signal again with its default action, so the exit status still names it. Installed only
 * when writing starts, at the end of a command: Ctrl-C during a long simulation still stops it at once.
 */
function handleSignals(): void {
  if (signalsHandled) return;
  signalsHandled = true;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      for (const temp of pending) rmSync(temp, { force: true });
      process.kill(process.pid, signal);
    });
  }
}

/**
 * Why `path` must not be written over, or null: it exists and is not a regular file (a device, a
 * FIFO, a folder) or is a symbolic link. A rename over a link or a device replaces it (as root,
 * `/dev/stdout` or `/dev/full`); writing through a link lands wherever it points.
 */
export function unsafeTarget(path: string): string | null {
  let stat;
  try {
    stat = lstatSync(path);
  } catch {
    return null;
  }
  if (stat.isSymbolicLink()) return 'it is a symbolic link; write to the real path';
  if (stat.isDirectory()) return 'it is a folder; give a file name';
  if (!stat.isFile()) return 'it is a device, FIFO or socket, not a regular file';
  return null;
}

/**
 * Writes via a temporary file and a rename, so a reader never sees a half-written file. The temp
 * file sits beside the target (same file system, so the rename is atomic), has an unpredictable
 * name and is created exclusively without following links: nothing planted at a guessable name
 * can redirect the write. A target that is a link or not a regular file is refused. A signal
 * never leaves the temp file behind (see handleSignals).
 */
export function writeFileAtomically(path: string, content: string): void {
  const why = unsafeTarget(path);
  if (why !== null) throw new Error(`refusing to write ${path}: ${why}`);
  mkdirSync(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(8).toString('hex')}.tmp`);
  handleSignals();
  pending.add(temp);
  let fd: number | null = null;
  try {
    fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
    const bytes = Buffer.from(content, 'utf8');
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(temp, path);
  } catch (error) {
    if (fd !== null) closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  } finally {
    pending.delete(temp);
  }
}
