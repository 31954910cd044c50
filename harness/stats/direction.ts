// Which way a metric improves: throughput is higher-is-better, latency lower-is-better.
export type Direction = 'higher-is-better' | 'lower-is-better';
