import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * One registry per running app (not prom-client's global one), so tests can start several apps in
 * one process without metrics colliding.
 */
export function createMetrics(options: { collectDefaults?: boolean } = {}) {
  const registry = new Registry();
  if (options.collectDefaults) collectDefaultMetrics({ register: registry, prefix: 'paybridge_' });
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Counter<L>({ name, help, labelNames, registers: [registry] });
  return {
    registry,
    httpRequests: counter('paybridge_http_requests_total', 'HTTP requests by route and status class.', ['route', 'status'] as const),
    webhooksReceived: counter('paybridge_webhook_events_received_total', 'Verified Stripe events stored for processing.'),
    webhooksDuplicate: counter('paybridge_webhook_events_duplicate_total', 'Deliveries of an event already stored.'),
    webhooksRejected: counter('paybridge_webhook_deliveries_rejected_total', 'Deliveries refused, by reason.', ['reason'] as const),
    eventsOutcome: counter('paybridge_events_processed_total', 'Processing outcomes: processed, ignored, failed, dead.', [
      'outcome',
    ] as const),
    chunkFallbacks: counter(
      'paybridge_worker_chunk_fallbacks_total',
      'Worker chunks rolled back and processed one event per transaction, by cause: lease_lost, object_created_meanwhile, error (a failing event, a deadlock).',
      ['cause'] as const,
    ),
    queueDepth: new Gauge({ name: 'paybridge_events_queue_depth', help: 'Events waiting to be processed.', registers: [registry] }),
    processingLag: new Histogram({
      name: 'paybridge_event_processing_lag_seconds',
      help: 'Time from receipt to the end of processing.',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers: [registry],
    }),
    notificationsReceived: counter(
      'paybridge_notifications_received_total',
      'Signals heard from other processes through PostgreSQL LISTEN, by kind (jobs, payable, connection).',
      ['kind'] as const,
    ),
    notificationReconnects: counter('paybridge_notification_reconnects_total', 'Times the LISTEN connection was lost and re-established.'),
    mailSent: counter('paybridge_mail_total', 'Mail delivery outcomes.', ['outcome'] as const),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
