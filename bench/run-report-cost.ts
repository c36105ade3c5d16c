/**
 * `node dist/bench/run-report-cost.js [--quick] [--agents=N]` (after `npm run build`)
 * The server CPU of one agent activity report by itself, beside cheaper routes; prints, writes nothing.
 */
import { runBenchCommand } from './lib/bench-args.js';
import { parseReportCostArgs, runReportCost } from './activity/report-cost.js';

await runBenchCommand('node dist/bench/run-report-cost.js [--quick] [--agents=N]', parseReportCostArgs, (options) => runReportCost(options));
