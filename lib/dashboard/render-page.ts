import type { DashboardCustomer } from './build-dashboard-model';
import { escapeHtml as e } from './escape-html';

/**
 * Both pages reload themselves this often (seconds). Cheap now: the list is three table queries and a
 * customer's page five, whatever the history; data changes at most once per collection run.
 */
export const DASHBOARD_REFRESH_SECONDS = 60;
/** Where the pages live (the host's `api` route prefix + the routes in functions/). */
export const DASHBOARD_PATH = '/api/dashboard';

export const HEALTH_LABEL: Record<string, string> = {
  healthy: 'Healthy',
  actionRequired: 'Action required',
  degraded: 'Degraded',
  failing: 'Failing',
  stale: 'Stale',
  unknown: 'No run yet',
  disabled: 'Disabled',
};

/** The link to a customer's own page. */
export function customerPageHref(id: string): string {
  return `${DASHBOARD_PATH}/customers/${encodeURIComponent(id)}`;
}

/** A whole page: inline CSS, no script, no external resource (a strict CSP is sent with it). */
export function renderPage(title: string, header: string, main: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${DASHBOARD_REFRESH_SECONDS}">
<title>${e(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
${header}
</header>
${main}
</body>
</html>
`;
}

/** `updated 2026-11-22 10:00:00 UTC · refreshes every 60 s` */
export function renderUpdated(generatedAt: string): string {
  return `updated <time datetime="${e(generatedAt)}">${e(generatedAt.replace('T', ' ').slice(0, 19))} UTC</time> · refreshes every ${DASHBOARD_REFRESH_SECONDS} s`;
}

/** The health badge, with "Last run failed" beside it when the last run failed while health still forgives it. */
export function renderBadges(c: DashboardCustomer): string {
  const failed = lastRunOf(c) === 'failed';
  return `<span class="badges">${failed ? '<span class="badge h-failing">Last run failed</span> ' : ''}<span class="badge h-${e(c.health)}">${e(HEALTH_LABEL[c.health] ?? c.health)}</span></span>`;
}

export function lastRunOf(c: DashboardCustomer): 'none' | 'failed' | 'ok' {
  return !c.lastAttemptAt ? 'none' : c.errorCode ? 'failed' : 'ok';
}

/** Last success, last run, auth mode and the secret countdown. */
export function renderFacts(c: DashboardCustomer, now: number): string {
  const lastRun = lastRunOf(c);
  return `<dl class="facts">
    <div><dt>Last success</dt><dd>${c.lastSuccessAt ? `<time datetime="${e(c.lastSuccessAt)}">${e(ago(c.lastSuccessAt, now))}</time>` : 'never'}</dd></div>
    <div><dt>Last run</dt><dd>${lastRun === 'none' ? '—' : `<span class="${lastRun === 'ok' ? 'ok' : 'crit'}">${lastRun === 'ok' ? 'succeeded' : 'failed'}</span>${c.lastAttemptAt ? ` ${e(ago(c.lastAttemptAt, now))}` : ''}`}</dd></div>
    <div><dt>Auth</dt><dd>${e(c.authMode)}</dd></div>
    <div><dt>Secret</dt><dd>${renderExpiry(c)}</dd></div>
  </dl>`;
}

function renderExpiry(c: DashboardCustomer): string {
  if (c.daysToExpiry === undefined) return c.secretExpiry === 'none' ? '<span class="warn">no expiry date</span>' : '—';
  const days = c.daysToExpiry;
  const text = days < 0 ? `expired ${-days} d ago` : days === 0 ? 'expires today' : `expires in ${days} d`;
  const cls = c.secretExpiry === 'critical' ? 'crit' : c.secretExpiry === 'warning' ? 'warn' : 'ok';
  return `<span class="${cls}" title="${e(c.secretExpiresOn ?? '')}">${e(text)}</span>`;
}

/** The health reason (when not healthy) and the failing code with its fix. */
export function renderProblem(c: DashboardCustomer): string {
  const reason = c.health === 'healthy' ? '' : `<p class="reason">${e(c.healthReason)}</p>`;
  if (!c.errorCode) return reason;
  return `${reason}<div class="problem" role="note">
    <p><strong>${e(c.errorCode)}</strong>${c.errorMessage ? ` — ${e(c.errorMessage)}` : ''}</p>
    ${c.errorFix ? `<p class="fix"><span>Fix:</span> ${e(c.errorFix)}</p>` : ''}
  </div>`;
}

/** `Active · F64` for a resource whose ARM state was read. */
export function renderState(state: string | undefined, sku: string | undefined): string {
  const text = [state, sku].filter(Boolean).join(' · ');
  return text ? `<span class="state" data-state="${e(state ?? '')}">${e(text)}</span>` : '';
}

export function ago(iso: string, now: number): string {
  const minutes = Math.round((now - Date.parse(iso)) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 120) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h ago` : `${Math.round(hours / 24)} d ago`;
}

export function formatNumber(n: number): string {
  return Math.abs(n) >= 1e6 ? n.toExponential(2) : Number.isInteger(n) ? String(n) : n.toFixed(1);
}

export function unitLabel(unit: string): string {
  return unit === 'Percent' ? '%' : unit;
}

// Contrast: text #1b1f24 on white and badge text on tinted backgrounds stay above 4.5:1.
const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;background:#f3f5f7}
header{padding:16px 20px;background:#fff;border-bottom:1px solid #d0d7de}
h1{margin:0;font-size:20px}
a{color:#0a3069}
.meta{margin:4px 0 0;color:#444c56}
.filters{display:flex;flex-wrap:wrap;gap:6px 12px;align-items:center;margin-top:10px}
.filters input[type=search]{font:inherit;padding:3px 8px;border:1px solid #8c959f;border-radius:6px;min-width:0;max-width:100%}
.filters button{font:inherit;padding:3px 10px;border:1px solid #8c959f;border-radius:6px;background:#f6f8fa;color:#1b1f24}
.chips a{text-decoration:none}.chips a.on .badge{outline:2px solid #0969da}
.pager{display:flex;gap:12px;align-items:center;padding:0 20px 16px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(380px,1fr));gap:16px;padding:16px 20px}
.detail{padding:16px 20px;display:grid;gap:16px}
.tile{background:#fff;border:1px solid #d0d7de;border-left:6px solid #8c959f;border-radius:8px;padding:12px 14px;min-width:0}
.tile.h-healthy{border-left-color:#1a7f37}.tile.lr-failed{border-left-color:#bc4c00}.tile.h-degraded,.tile.h-stale{border-left-color:#9a6700}.tile.h-failing,.tile.h-actionRequired{border-left-color:#cf222e}
.head{display:flex;justify-content:space-between;align-items:flex-start;gap:8px}
h2{margin:0;font-size:16px}.id{font-weight:400;color:#57606a;font-size:13px}
.badges{text-align:right}.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;background:#eaeef2;color:#24292f;white-space:nowrap}
.badge.h-healthy{background:#dafbe1;color:#0f5323}.badge.h-degraded,.badge.h-stale{background:#fff8c5;color:#6b4a00}.badge.h-failing,.badge.h-actionRequired{background:#ffebe9;color:#a40e26}
.facts{display:flex;flex-wrap:wrap;gap:4px 20px;margin:8px 0}.facts div{min-width:0}dt{font-size:12px;color:#57606a}dd{margin:0}
.ok{color:#0f5323}.warn{color:#6b4a00;font-weight:600}.crit{color:#a40e26;font-weight:700}
.reason{margin:4px 0;color:#444c56}
.problem{background:#fff5f5;border:1px solid #ffcecb;border-radius:6px;padding:6px 10px;margin:8px 0;overflow-wrap:anywhere}
.problem p{margin:2px 0}.fix span{font-weight:700}
.resource{border-top:1px solid #eaeef2;padding-top:6px;margin-top:6px}
.rlist{list-style:none;margin:6px 0 0;padding:0}.rlist li{overflow-wrap:anywhere;margin:2px 0}
.rname{margin:0 0 4px;overflow-wrap:anywhere}.type{color:#57606a;font-size:12px}
.state{display:inline-block;padding:0 6px;border-radius:4px;background:#ddf4ff;color:#0a3069;font-size:12px;font-weight:600}
table{width:100%;border-collapse:collapse;font-size:13px}th,td{text-align:left;padding:2px 4px;vertical-align:middle}
thead th{font-size:11px;color:#57606a;font-weight:600}tbody th{font-weight:500;max-width:160px;overflow-wrap:anywhere}
.dims{display:block;font-size:12px;color:#57606a}.prov{font-size:11px;color:#6b4a00}
.num{white-space:nowrap;font-variant-numeric:tabular-nums}.unit{color:#57606a}
svg.spark{display:block;max-width:100%;height:auto}svg.spark polyline{fill:none;stroke:#0969da;stroke-width:1.6}svg.spark circle{fill:#0969da}svg.spark .none{stroke:#d0d7de;stroke-dasharray:3 3}svg.spark .limit{stroke:#cf222e;stroke-width:1}svg.spark circle.mark{fill:#cf222e}
.runs{margin-top:8px;font-size:13px}.runs ul{margin:4px 0;padding-left:18px}.runs.none{color:#57606a}
.run{font-weight:600}.r-succeeded{color:#0f5323}.r-failed{color:#a40e26}.r-running,.r-queued,.r-retrying{color:#0a3069}
@media (max-width:480px){.grid{grid-template-columns:1fr;padding:10px}.detail{padding:10px}header{padding:12px}thead th:nth-child(4),tbody td:nth-child(4){display:none}}
`;
