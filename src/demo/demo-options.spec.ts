import { describe, expect, it } from '@jest/globals';
import { DemoUsageError, parseDemoOptions } from './demo-options.js';

describe('parseDemoOptions', () => {
  it('defaults: port 3000, ./.demo-data below the working directory, a message every 20 s', () => {
    expect(parseDemoOptions([], '/repo')).toEqual({
      port: 3000,
      dataDir: '/repo/.demo-data',
      intervalMs: 20_000,
      logLevel: 'warn',
    });
  });

  it('reads every flag, in both spellings', () => {
    expect(
      parseDemoOptions(
        ['--port=4100', '--data-dir', 'tmp/demo', '--interval', '2.5', '--log-level', 'info'],
        '/repo',
      ),
    ).toEqual({
      port: 4100,
      dataDir: '/repo/tmp/demo',
      intervalMs: 2_500,
      logLevel: 'info',
    });
    expect(parseDemoOptions(['--data-dir', '/var/demo'], '/repo').dataDir).toBe('/var/demo');
  });

  it.each([
    [['--port', '0']],
    [['--port', '70000']],
    [['--port', 'http']],
    [['--interval', '0.1']],
    [['--interval', '-3']],
    [['--interval', 'fast']],
    [['--log-level', 'loud']],
    [['--data-dir', ' ']],
    [['--colour']],
    [['extra']],
  ])('refuses %j with a usage error', (argv) => {
    expect(() => parseDemoOptions(argv, '/repo')).toThrow(DemoUsageError);
  });
});
