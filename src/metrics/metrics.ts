// What tobira counts for operators, as Prometheus metrics (prom-client): sign-ins, push approvals
// and their delivery, token grants, the store's latency and errors, rate-limit hits, and the
// process itself. One registry per process (not prom-client's global one), so tests and two apps
// in one process do not mix. Collected only when METRICS_PORT is set; see docs/operations.md.
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export class Metrics {
  readonly registry = new Registry();

  readonly signIns = new Counter({
    name: 'tobira_sign_ins_total',
    help: 'Sign-in attempts by method (password, passkey, push, ...) and result (succeeded, failed).',
    labelNames: ['method', 'result'] as const,
    registers: [this.registry],
  });

  readonly approvals = new Counter({
    name: 'tobira_push_approvals_total',
    help: 'Push approvals decided on a phone, by outcome (approved, denied, reported, ...).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly approvalSeconds = new Histogram({
    name: 'tobira_push_approval_seconds',
    help: 'Time from a push approval request to the phone\'s decision.',
    labelNames: ['outcome'] as const,
    buckets: [1, 2, 5, 10, 20, 30, 60, 120, 300],
    registers: [this.registry],
  });

  readonly pushDeliveries = new Counter({
    name: 'tobira_push_deliveries_total',
    help: 'Web Push messages handed to a push service, by the service\'s host and outcome (sent, gone, failed).',
    labelNames: ['service', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly tokenGrants = new Counter({
    name: 'tobira_token_grants_total',
    help: 'Token endpoint requests by grant type and result (succeeded, refused).',
    labelNames: ['grant_type', 'result'] as const,
    registers: [this.registry],
  });

  readonly storeSeconds = new Histogram({
    name: 'tobira_store_operation_seconds',
    help: 'Store operations by repository and operation.',
    labelNames: ['repository', 'operation'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly storeErrors = new Counter({
    name: 'tobira_store_errors_total',
    help: 'Store operations that threw, by repository and operation.',
    labelNames: ['repository', 'operation'] as const,
    registers: [this.registry],
  });

  readonly rateLimitHits = new Counter({
    name: 'tobira_rate_limit_hits_total',
    help: 'Hits counted against each limit of src/limits/limits.ts, by whether they were within the cap or over it.',
    labelNames: ['limit', 'result'] as const,
    registers: [this.registry],
  });

  readonly auditEvents = new Counter({
    name: 'tobira_audit_events_total',
    help: 'Audit events recorded, by type (docs/operations.md lists them).',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'tobira_' });
  }

  /** Counts an audit event, and a sign-in when it is one. */
  audited(type: string, details: Record<string, unknown>): void {
    this.auditEvents.inc({ type });
    if (type === 'login.succeeded' || type === 'login.failed') {
      this.signIns.inc({ method: typeof details.method === 'string' ? details.method : 'unknown', result: type === 'login.succeeded' ? 'succeeded' : 'failed' });
    }
  }
}
