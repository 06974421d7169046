/**
 * Traces from the gateway: Hive Gateway's OpenTelemetry plugin, exporting over
 * OTLP/HTTP (protobuf) to OTEL_EXPORTER_OTLP_ENDPOINT (the same variable the subgraphs
 * read, shared/observability/tracing.py). Unset or empty: no SDK is set up and
 * the plugin is not loaded at all.
 *
 * The gateway starts a trace, or continues the client's `traceparent`, and
 * sends `traceparent` to every subgraph it calls, whose spans then join it.
 *
 *   OTEL_EXPORTER_OTLP_ENDPOINT  e.g. http://jaeger:4318 (spans go to <endpoint>/v1/traces)
 *   OTEL_TRACES_SAMPLER          always_on | always_off | traceidratio | parentbased_always_on |
 *                                parentbased_always_off | parentbased_traceidratio (default)
 *   OTEL_TRACES_SAMPLER_ARG      the ratio, 0..1 (default 1)
 *   OTEL_SERVICE_NAME            the service name on the spans (default gateway)
 */
import { openTelemetrySetup } from '@graphql-hive/plugin-opentelemetry/setup';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  type Sampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';

const SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;

type Env = Record<string, string | undefined>;

// Probes and scrapes: frequent, and nothing to learn from their traces.
const UNTRACED_PATHS = new Set(['/healthcheck', '/readiness', '/metrics']);

function ratio(env: Env): number {
  const raw = env.OTEL_TRACES_SAMPLER_ARG?.trim();
  if (!raw) return 1;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    throw new Error(`OTEL_TRACES_SAMPLER_ARG must be a ratio between 0 and 1, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** The sampler OTEL_TRACES_SAMPLER names, with the subgraphs' default. */
export function sampler(env: Env = process.env): Sampler {
  const name = (env.OTEL_TRACES_SAMPLER?.trim().toLowerCase() || 'parentbased_traceidratio') as (typeof SAMPLERS)[number];
  if (!SAMPLERS.includes(name)) {
    throw new Error(`OTEL_TRACES_SAMPLER must be one of ${SAMPLERS.join(', ')}, got ${JSON.stringify(name)}`);
  }
  const root = name.endsWith('always_on')
    ? new AlwaysOnSampler()
    : name.endsWith('always_off')
      ? new AlwaysOffSampler()
      : new TraceIdRatioBasedSampler(ratio(env));
  return name.startsWith('parentbased_') ? new ParentBasedSampler({ root }) : root;
}

/**
 * The gateway config's `openTelemetry` value: sets the SDK up and turns the
 * plugin's traces on when an endpoint is configured; undefined otherwise.
 */
export function openTelemetryConfig(env: Env = process.env) {
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim().replace(/\/+$/, '');
  if (!endpoint) return undefined;
  openTelemetrySetup({
    // No global context manager: the plugin is told below to parent spans
    // explicitly, and once an AsyncLocalStorage is entered (the exporter does,
    // around every export) Node runs its hooks on every promise in the process.
    contextManager: null,
    resource: { serviceName: env.OTEL_SERVICE_NAME?.trim() || 'gateway' },
    sampler: sampler(env),
    traces: { exporter: new OTLPTraceExporter({ url: `${endpoint}/v1/traces` }) },
  });
  return {
    // Spans are parented through the request, not the async context: measured,
    // the context manager's bookkeeping on every await was most of the cost.
    useContextManager: false,
    // No hash of every operation's document for an attribute nobody queries.
    hashOperation: null,
    traces: {
      spans: {
        http: ({ request }: { request: Request }) => !UNTRACED_PATHS.has(new URL(request.url).pathname),
        // The phases around execution are a few microseconds each: not worth a span.
        graphqlParse: false,
        graphqlValidate: false,
        graphqlContextBuilding: false,
      },
    },
  };
}
