import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const SOURCES = [resolve('src'), resolve('migrations')];
const BUILD_TIMEOUT_MS = 240_000;

function newestSource(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Where ensureIsolatedBuild(name) compiles to. */
export function isolatedBuildDir(name: string): string {
  return resolve('node_modules/.cache', `crm-inbox-${name}`);
}

/**
 * The server compiled into a folder of one test file's own (inside node_modules, so the build still finds the
 * packages), rebuilt when a source file is newer than `entry`. Tests run in parallel: a shared dist/ could be
 * emptied by another file's build (`nest build` deletes it first) while this one starts a process from it, and
 * a dist/ left from an older checkout would run code the test does not see. Returns the build folder.
 */
export function ensureIsolatedBuild(name: string, entry = 'src/main.js'): string {
  const buildDir = isolatedBuildDir(name);
  const built = join(buildDir, entry);
  const newest = Math.max(...SOURCES.map(newestSource));
  if (existsSync(built) && statSync(built).mtimeMs >= newest) return buildDir;
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', buildDir], {
    stdio: 'inherit',
    timeout: BUILD_TIMEOUT_MS,
  });
  return buildDir;
}
