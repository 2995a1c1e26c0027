/**
 * The hourly window that closed `hoursAgo` hours before the last full hour: aligned to the default
 * schedule and always inside Azure Monitor's retention, so queue messages built from it pass the
 * worker's checks whenever the tests run.
 */
export function recentWindow(hoursAgo = 1, now = new Date()): { windowStart: string; windowEnd: string } {
  const end = new Date(now);
  end.setUTCMinutes(0, 0, 0);
  end.setUTCHours(end.getUTCHours() - hoursAgo + 1);
  const start = new Date(end.getTime() - 3_600_000);
  return { windowStart: start.toISOString(), windowEnd: end.toISOString() };
}
