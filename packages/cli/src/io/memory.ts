/** Samples the process's resident memory (all threads) until stopped, and reports the peak in MB. */
export function peakMemory(intervalMs = 25): { stop(): number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      return Math.round(Math.max(peak, process.memoryUsage.rss()) / 2 ** 20);
    },
  };
}
