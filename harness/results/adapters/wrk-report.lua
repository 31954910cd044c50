-- wrk's done() hook for the harness's wrk result adapter (harness/results/adapters/wrk.ts,
-- docs/load-tools.md): prints one line `HARNESS_WRK_REPORT {json}` with wrk's summary and every
-- non-empty latency bucket (µs, count), so the adapter can rebuild the exact histogram.
-- A wrk script of your own loads it last: dofile(os.getenv("HARNESS_WRK_REPORT"))
done = function(summary, latency, requests)
  local e = summary.errors
  local parts = {}
  for i = 1, #latency do
    local value, count = latency(i)
    parts[#parts + 1] = string.format("[%d,%d]", value, count)
  end
  io.write(string.format(
    'HARNESS_WRK_REPORT {"duration_us":%d,"requests":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency":{"min":%d,"max":%d,"mean":%.3f,"stdev":%.3f},"buckets":[%s]}\n',
    summary.duration, summary.requests, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.max, latency.mean, latency.stdev, table.concat(parts, ",")))
end
