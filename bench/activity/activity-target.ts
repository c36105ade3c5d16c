import type { Agent } from 'node:http';
import { requestJson } from '../lib/http-json.js';
import type { ServerProcess } from '../lib/server-process.js';
import { AppTarget } from '../targets/app-target.js';
import type { StreamTarget } from '../targets/stream-target.js';
import { everyInterval, setUpActivityFixture } from './activity-fixture.js';

/** Background typing load: `agents` agents, each reporting `typing` every `intervalMs` (staggered). */
export interface ActivityLoad {
  agents: number;
  intervalMs: number;
}

/**
 * The app with agents typing while durable events flow: at start it creates a channel, one conversation (by a
 * signed webhook), and `agents` agent users who are members of the channel; then each agent reports typing
 * every interval, over its own kept-alive connection, until stop. The streams (the admin's) see every report
 * that is announced.
 */
export class ActivityAppTarget implements StreamTarget {
  readonly key = 'app' as const;
  readonly label: string;
  readonly eventType: string;
  readonly payloadShape;
  private readonly app = new AppTarget();
  private stopReports: () => void = () => undefined;
  reports = 0;
  refused = 0;
  failed = 0;

  constructor(private readonly load: ActivityLoad) {
    this.label = `app, ${load.agents} agents typing every ${load.intervalMs / 1000} s`;
    this.eventType = this.app.eventType;
    this.payloadShape = this.app.payloadShape;
  }

  async start(): Promise<{ server: ServerProcess } | { skipped: string }> {
    const started = await this.app.start();
    if ('skipped' in started) return started;
    const { conversationId, tokens, connections } = await setUpActivityFixture(this.app, this.load.agents);
    const stop = everyInterval(tokens.length, this.load.intervalMs, (index) => {
      void requestJson(this.app.port, 'POST', `/api/conversations/${conversationId}/activity`, { kind: 'typing' }, {
        headers: { authorization: `Bearer ${tokens[index]}` },
        agent: connections[index],
      })
        .then((response) => {
          if (response.status === 204) this.reports += 1;
          else this.refused += 1;
        })
        // A report that timed out on a loaded machine is counted, not fatal to the run (nor left unhandled).
        .catch(() => {
          this.failed += 1;
        });
    });
    this.stopReports = () => {
      stop();
      for (const connection of connections) connection.destroy();
    };
    return started;
  }

  streamRequest(): { path: string; headers: Record<string, string> } {
    return this.app.streamRequest();
  }

  publish(seq: number, agent: Agent): Promise<void> {
    return this.app.publish(seq, agent);
  }

  async stop(): Promise<void> {
    this.stopReports();
    this.stopReports = () => undefined;
    await this.app.stop();
  }

  dispose(): void {
    this.app.dispose();
  }
}
