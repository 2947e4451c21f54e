// Optional OpenTelemetry tracing (OTEL_EXPORTER_OTLP_ENDPOINT). The SDK, the exporter and the
// context manager are imported only when tracing is on, so a process without it pays nothing for
// them in memory or start time. Nothing is registered as the global tracer provider: tobira's own
// spans use the tracer handed to them, and a library that would trace by itself stays silent.
import { context, type TextMapPropagator, type Tracer } from '@opentelemetry/api';

export interface TracingOptions {
  /** The collector's base URL; spans are POSTed to `<endpoint>/v1/traces`. */
  endpoint: string;
  serviceName: string;
  /** 0–100: the share of requests without a trusted caller's decision that start a trace. */
  samplePercent: number;
  /** How long finished spans may wait before they are sent (the exporter batches them). */
  flushDelayMs?: number;
}

export interface Tracing {
  readonly tracer: Tracer;
  /** Reads a caller's W3C `traceparent` (used only behind a trusted proxy). */
  readonly propagator: TextMapPropagator;
  /** Sends what is still buffered, then stops; call before the process exits. */
  shutdown(): Promise<void>;
}

export async function startTracing(options: TracingOptions): Promise<Tracing> {
  const [{ AsyncLocalStorageContextManager }, { W3CTraceContextPropagator }, sdk, { OTLPTraceExporter }, { resourceFromAttributes }] = await Promise.all([
    import('@opentelemetry/context-async-hooks'),
    import('@opentelemetry/core'),
    import('@opentelemetry/sdk-trace'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
  ]);
  // Without a context manager a span would not follow the request across awaits.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const exporter = new OTLPTraceExporter({ url: `${options.endpoint.replace(/\/+$/, '')}/v1/traces` });
  const provider = new sdk.TracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    sampler: new sdk.ParentBasedSampler({ root: new sdk.TraceIdRatioBasedSampler(options.samplePercent / 100) }),
    // The batch queue is bounded (the SDK drops spans beyond it): a collector that is down or slow
    // costs spans, never memory or requests.
    spanProcessors: [new sdk.BatchSpanProcessor({ exporter, scheduledDelayMillis: options.flushDelayMs ?? 2000 })],
  });
  return {
    tracer: provider.getTracer('tobira'),
    propagator: new W3CTraceContextPropagator(),
    async shutdown() {
      await provider.shutdown();
      context.disable();
    },
  };
}
