import { describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findWebConsoleDir, isConsoleRoute } from './web-console-paths.js';

describe('isConsoleRoute', () => {
  it('answers page navigations outside /api', () => {
    expect(isConsoleRoute('GET', '/')).toBe(true);
    expect(isConsoleRoute('GET', '/inbox/0b7c5a1e-2f1c-4a8e-9a57-3f0f2a1b2c3d')).toBe(true);
    expect(isConsoleRoute('HEAD', '/customers')).toBe(true);
    expect(isConsoleRoute('GET', '/apis')).toBe(true);
  });

  it('never answers the API, other methods or missing files', () => {
    expect(isConsoleRoute('GET', '/api')).toBe(false);
    expect(isConsoleRoute('GET', '/api/unknown')).toBe(false);
    expect(isConsoleRoute('POST', '/inbox')).toBe(false);
    expect(isConsoleRoute('GET', '/assets/missing.js')).toBe(false);
  });
});

describe('findWebConsoleDir', () => {
  it('finds web/dist above the running file, or nothing', () => {
    const root = mkdtempSync(join(tmpdir(), 'web-console-'));
    const runningFile = join(root, 'dist', 'src', 'web-console', 'web-console-paths.js');
    expect(findWebConsoleDir(runningFile)).toBeNull();
    mkdirSync(join(root, 'web', 'dist'), { recursive: true });
    writeFileSync(join(root, 'web', 'dist', 'index.html'), '<!doctype html>');
    expect(findWebConsoleDir(runningFile)).toBe(join(root, 'web', 'dist'));
  });
});
