/** Messages between the polling benchmark runner and its poll-client processes (IPC, structured clone). */

export interface PollStartCommand {
  command: 'start';
  port: number;
  /** The list every agent re-fetches, e.g. `/api/customers?limit=50`. */
  path: string;
  headers: Record<string, string>;
  agents: number;
  intervalMs: number;
  /** Upper bound of benchmark events (sizes the per-agent bookkeeping). */
  maxEvents: number;
  /** Hard deadline of the polling loops, whatever the runner does. */
  maxSeconds: number;
}

export interface PollCountCommand {
  command: 'count';
}

export interface PollStopCommand {
  command: 'stop';
  maxEvents: number;
  /** Events published (sequence numbers 0..events-1): each agent should have seen each. */
  events: number;
}

export type PollClientCommand = PollStartCommand | PollCountCommand | PollStopCommand;

export interface PollStartedReport {
  report: 'started';
  agents: number;
}

export interface PollCountReport {
  report: 'count';
  polls: number;
  failedPolls: number;
}

export interface PollStoppedReport {
  report: 'stopped';
  polls: number;
  failedPolls: number;
  bytes: number;
  /** (agent, event) pairs never seen: the event had left the first page before that agent's next poll. */
  missed: number;
  /** Poll response time − publish stamp, one per (agent, event) first seen. */
  freshnessMs: Float64Array;
  /** Time each poll took (request sent → response read). */
  responseMs: Float64Array;
  errors: string[];
}

export type PollClientReport = PollStartedReport | PollCountReport | PollStoppedReport;
