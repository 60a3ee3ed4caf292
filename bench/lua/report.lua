-- Appended to every scenario script: one machine-readable line with totals and latency
-- percentiles (µs). Copied from ../shared/peers/workerd/bench/report.lua.
-- err_status counts responses outside 2xx/3xx; requests includes them.
function done(summary, latency, requests)
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    "WRKSTAT requests=%d duration_s=%.2f rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
    "err_connect=%d err_read=%d err_write=%d err_status=%d err_timeout=%d\n",
    summary.requests, secs, summary.requests / secs,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
