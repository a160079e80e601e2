/**
 * The operators' view of a run: Prometheus metrics, health and the HTTP endpoint
 * that serves them. The pipeline knows nothing of it: observers feed it.
 *
 * @module
 */

export {
  Health,
  type HealthOptions,
  type Phase,
  type ProbeTarget,
  type Readiness,
  startHandleProbe,
} from "./health.ts";
export {
  LATENCY_BUCKETS,
  type PartitionState,
  type RequestTiming,
  RunMetrics,
  type RunMetricsOptions,
} from "./metrics.ts";
export { type EventObserver, observeEvents, observeRegistrar, resultOf } from "./observe.ts";
export { type RunMonitor, type RunMonitorOptions, startRunMonitor } from "./run.ts";
export {
  type ListenAddress,
  monitorHandler,
  type MonitorServer,
  type MonitorServerOptions,
  parseListen,
  startMonitorServer,
} from "./server.ts";
