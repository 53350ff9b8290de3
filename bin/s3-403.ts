#!/usr/bin/env node
/**
 * The `s3-403` command. Before the command line's modules load, Node's on-disk compile cache is switched on
 * (Node 22.1+; TypeScript's tsc does the same): a second run reuses the compiled code of every module instead of
 * compiling it again (issue 15, start-up time; figures in `npm run bench`). The cache lives in the user's own cache
 * folder, never in a shared temporary one (where another user could plant compiled code), and
 * NODE_DISABLE_COMPILE_CACHE=1 turns it off. Then ./process-io.ts runs the command.
 */
import * as nodeModule from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';

function cacheFolder(): string | null {
  const xdg = process.env['XDG_CACHE_HOME'];
  if (xdg !== undefined && xdg.startsWith('/')) return join(xdg, 's3-403', 'node-compile-cache');
  const home = homedir();
  return home !== '' && home !== '/' ? join(home, '.cache', 's3-403', 'node-compile-cache') : null;
}

const enable = (nodeModule as { enableCompileCache?: (dir?: string) => unknown }).enableCompileCache;
const folder = cacheFolder();
if (enable !== undefined && folder !== null) {
  try {
    enable(folder); // never fatal: a folder it cannot create only means no cache
  } catch {
    // the command runs the same without it
  }
}

void import('./process-io.js');
