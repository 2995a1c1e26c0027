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

/**
 * Waits past the next full hour when it is less than `marginMs` away. For tests that seed data relative to
 * the current hour and then count what a "last 24 h" view sees: crossing the hour between the seeding and
 * the reading would shift the view's window by one hour under them.
 */
export async function clearOfHourBoundary(marginMs: number, now = Date.now()): Promise<void> {
  const untilNextHour = 3_600_000 - (now % 3_600_000);
  if (untilNextHour < marginMs) await new Promise((resolve) => setTimeout(resolve, untilNextHour + 1_000));
}
