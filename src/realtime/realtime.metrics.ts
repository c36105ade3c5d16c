import { Injectable } from '@nestjs/common';
import { counter, gauge, histogram } from '../metrics/metric-factory.js';

/** The realtime metrics of /api/metrics. */
@Injectable()
export class RealtimeMetrics {
  readonly openStreams = gauge({ name: 'crm_sse_open_streams', help: 'Open event streams on this instance' });
  readonly eventsDelivered = counter({ name: 'crm_sse_events_delivered_total', help: 'Event frames written to streams' });
  readonly eventsFiltered = counter({
    name: 'crm_sse_events_filtered_total',
    help: 'Events not written to a stream of their workspace because of visibility or the stream filters',
  });
  readonly slowConsumerDisconnects = counter({
    name: 'crm_sse_slow_consumer_disconnects_total',
    help: 'Streams closed because their unsent bytes passed SSE_MAX_BUFFER_BYTES',
  });
  readonly relayLag = gauge({ name: 'crm_event_relay_lag_seconds', help: 'Age of the newest relayed event when it was relayed' });
  readonly deliveryLatency = histogram({
    name: 'crm_event_delivery_latency_seconds',
    help: 'Event commit to client acknowledgement (POST /api/events/ack)',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  });
}
