/** Reading the command line's input files, every failure as one line naming the file. */
import { loadSnapshot, SnapshotView } from '../adapters/snapshot';
import { fileError } from './errors';
import type { CliIo } from './io';

/** The bytes of FILE, or of stdin for `-`; `name` is what error messages call it. */
export async function readInput(io: CliIo, path: string): Promise<{ data: Buffer; name: string }> {
  if (path === '-') return { data: await io.readStdin(), name: 'stdin' };
  try {
    return { data: await io.readFile(path), name: path };
  } catch (err) {
    throw fileError(path, err);
  }
}

export async function readText(io: CliIo, path: string): Promise<{ text: string; name: string }> {
  const { data, name } = await readInput(io, path);
  return { text: data.toString('utf8'), name };
}

/** Loads and indexes a snapshot file (SnapshotError, exit 2, when it is not valid). */
export async function loadSnapshotView(io: CliIo, path: string): Promise<SnapshotView> {
  const { text, name } = await readText(io, path);
  return new SnapshotView(loadSnapshot(text, name));
}

export async function writeOutput(io: CliIo, path: string, data: string): Promise<void> {
  if (path === '-') {
    io.stdout(data);
    return;
  }
  try {
    await io.writeFile(path, data);
  } catch (err) {
    throw fileError(path, err, 'cannot write');
  }
}
