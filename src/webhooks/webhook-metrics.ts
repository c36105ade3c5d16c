import { register, type Counter } from 'prom-client';
import { counter } from '../metrics/metric-factory.js';
import type { Platform } from '../channels/entities/channel.entity.js';

/** What happened to one webhook request. */
export type WebhookOutcome =
  'accepted' | 'ignored' | 'unknown_channel' | 'unauthorized' | 'malformed' | 'error';

const METRIC_NAME = 'crm_webhook_requests_total';

/** On prom-client's default registry (served by /api/metrics); reused when several apps share a process (tests). */
function webhookCounter(): Counter<'platform' | 'outcome'> {
  return counter({
    name: METRIC_NAME,
    help: 'Webhook requests by platform and outcome',
    labelNames: ['platform', 'outcome'] as const,
    registers: [register],
  });
}

export function countWebhook(platform: Platform, outcome: WebhookOutcome): void {
  webhookCounter().inc({ platform, outcome });
}
