import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';

/** Open files a process may hold: 10k streams need 10k sockets plus the usual handful. */
export const FILE_DESCRIPTOR_LIMIT = 65536;

/**
 * Starts `node <args>` through `sh -c 'ulimit -n ...; exec node'` so the child gets a raised descriptor
 * limit (root may raise the hard limit; otherwise it falls back to the hard limit). `exec` keeps the pid,
 * so the returned process is the node process itself (what /proc measurements need).
 */
export function spawnNode(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; stdio?: StdioOptions; detached?: boolean; ipc?: boolean } = {},
): ChildProcess {
  const script = `ulimit -n ${FILE_DESCRIPTOR_LIMIT} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"`;
  const stdio: StdioOptions =
    options.stdio ?? (options.ipc ? ['ignore', 'inherit', 'inherit', 'ipc'] : ['ignore', 'pipe', 'pipe']);
  return spawn('sh', ['-c', script, process.execPath, ...args], {
    env: options.env ?? process.env,
    stdio,
    detached: options.detached ?? false,
    serialization: options.ipc ? 'advanced' : 'json',
  });
}
