import type { DashboardCustomer, DashboardModel, DashboardResource } from './build-dashboard-model';
import { escapeHtml as e } from './escape-html';
import { renderSvgSparkline } from './render-svg-sparkline';

/** The page reloads itself this often (seconds); data changes at most once per collection run. */
export const DASHBOARD_REFRESH_SECONDS = 60;

const HEALTH_LABEL: Record<string, string> = {
  healthy: 'Healthy',
  actionRequired: 'Action required',
  degraded: 'Degraded',
  failing: 'Failing',
  stale: 'Stale',
  unknown: 'No run yet',
  disabled: 'Disabled',
};

/**
 * The dashboard as one self-contained HTML page: inline CSS and SVG, no script, no external
 * resource (a strict CSP is sent with it). Every value that comes from data is escaped.
 */
export function renderDashboard(model: DashboardModel): string {
  const now = Date.parse(model.generatedAt);
  const counts = new Map<string, number>();
  for (const c of model.customers) counts.set(c.health, (counts.get(c.health) ?? 0) + 1);
  const attention = model.customers.filter(needsAttention).length;
  const summary =
    [...counts.entries()]
      .map(([state, n]) => `<span class="badge h-${e(state)}">${n} ${e(HEALTH_LABEL[state] ?? state)}</span>`)
      .join(' ') +
    (attention > 0
      ? ` · <span class="badge h-failing" data-attention="${attention}">${attention} need attention</span>`
      : '');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${DASHBOARD_REFRESH_SECONDS}">
<title>Cross-tenant collector</title>
<style>${STYLE}</style>
</head>
<body>
<header>
  <h1>Cross-tenant collector</h1>
  <p class="meta">${model.customers.length} customers · ${summary} · updated <time datetime="${e(model.generatedAt)}">${e(model.generatedAt.replace('T', ' ').slice(0, 19))} UTC</time> · refreshes every ${DASHBOARD_REFRESH_SECONDS} s</p>
</header>
<main class="grid">
${model.customers.map((c) => renderCustomer(c, now)).join('\n')}
</main>
</body>
</html>
`;
}

/**
 * The health state machine forgives one or two failed runs, but ops should still see them at a glance:
 * a failed last run or a critical secret counts as needing attention (as `ctc health` does).
 */
function needsAttention(c: DashboardCustomer): boolean {
  if (!c.enabled) return false;
  return (c.health !== 'healthy' && c.health !== 'unknown') || Boolean(c.errorCode) || c.secretExpiry === 'critical';
}

function renderCustomer(c: DashboardCustomer, now: number): string {
  const lastRun = !c.lastAttemptAt ? 'none' : c.errorCode ? 'failed' : 'ok';
  return `<section class="tile h-${e(c.health)} lr-${lastRun}" data-customer="${e(c.id)}" data-health="${e(c.health)}" data-last-run="${lastRun}" aria-labelledby="t-${e(c.id)}">
  <div class="head">
    <h2 id="t-${e(c.id)}">${e(c.displayName)} <span class="id">${e(c.id)}</span></h2>
    <span class="badges">${lastRun === 'failed' ? '<span class="badge h-failing">Last run failed</span> ' : ''}<span class="badge h-${e(c.health)}">${e(HEALTH_LABEL[c.health] ?? c.health)}</span></span>
  </div>
  <dl class="facts">
    <div><dt>Last success</dt><dd>${c.lastSuccessAt ? `<time datetime="${e(c.lastSuccessAt)}">${e(ago(c.lastSuccessAt, now))}</time>` : 'never'}</dd></div>
    <div><dt>Last run</dt><dd>${lastRun === 'none' ? '—' : `<span class="${lastRun === 'ok' ? 'ok' : 'crit'}">${lastRun === 'ok' ? 'succeeded' : 'failed'}</span>${c.lastAttemptAt ? ` ${e(ago(c.lastAttemptAt, now))}` : ''}`}</dd></div>
    <div><dt>Auth</dt><dd>${e(c.authMode)}</dd></div>
    <div><dt>Secret</dt><dd>${renderExpiry(c)}</dd></div>
  </dl>
  ${c.health === 'healthy' ? '' : `<p class="reason">${e(c.healthReason)}</p>`}
  ${c.errorCode ? renderProblem(c) : ''}
  <div class="resources">${c.resources.map(renderResource).join('')}</div>
  ${renderRuns(c)}
</section>`;
}

function renderExpiry(c: DashboardCustomer): string {
  if (c.daysToExpiry === undefined) return c.secretExpiry === 'none' ? '<span class="warn">no expiry date</span>' : '—';
  const days = c.daysToExpiry;
  const text = days < 0 ? `expired ${-days} d ago` : days === 0 ? 'expires today' : `expires in ${days} d`;
  const cls = c.secretExpiry === 'critical' ? 'crit' : c.secretExpiry === 'warning' ? 'warn' : 'ok';
  return `<span class="${cls}" title="${e(c.secretExpiresOn ?? '')}">${e(text)}</span>`;
}

function renderProblem(c: DashboardCustomer): string {
  return `<div class="problem" role="note">
    <p><strong>${e(c.errorCode)}</strong>${c.errorMessage ? ` — ${e(c.errorMessage)}` : ''}</p>
    ${c.errorFix ? `<p class="fix"><span>Fix:</span> ${e(c.errorFix)}</p>` : ''}
  </div>`;
}

function renderResource(r: DashboardResource): string {
  const state = [r.state, r.sku].filter(Boolean).join(' · ');
  const status = r.ok === false ? `<span class="badge h-failing">${e(r.errorCode ?? 'error')}</span>` : '';
  const rows = r.series
    .map(
      (
        s,
      ) => `<tr><th scope="row">${e(s.metric)}</th><td class="num">${s.latest === undefined ? '—' : e(format(s.latest))}${s.unit ? ` <span class="unit">${e(unitLabel(s.unit))}</span>` : ''}</td>
      <td>${renderSvgSparkline(s.day, { label: `${r.name} ${s.metric}, last 24 h`, ...(s.unit ? { unit: s.unit } : {}), ...(s.referenceLine !== undefined ? { reference: s.referenceLine, marks: s.marks ?? [] } : {}) })}</td>
      <td>${renderSvgSparkline(s.week, { label: `${r.name} ${s.metric}, last 7 days (hourly)`, ...(s.unit ? { unit: s.unit } : {}), ...(s.referenceLine !== undefined ? { reference: s.referenceLine } : {}) })}</td></tr>`,
    )
    .join('');
  return `<div class="resource" data-resource="${e(r.name)}">
    <p class="rname"><strong>${e(r.name)}</strong> <span class="type">${e(r.type)}</span> ${state ? `<span class="state" data-state="${e(r.state ?? '')}">${e(state)}</span>` : ''} ${status}</p>
    ${rows ? `<table><thead><tr><th scope="col">Metric</th><th scope="col">Latest</th><th scope="col">24 h</th><th scope="col">7 d</th></tr></thead><tbody>${rows}</tbody></table>` : ''}
  </div>`;
}

function renderRuns(c: DashboardCustomer): string {
  if (c.recentRuns.length === 0) return '<p class="runs none">No recorded runs yet.</p>';
  const items = c.recentRuns
    .map(
      (run) =>
        `<li><span class="run r-${e(run.status)}">${e(run.status)}</span> ${e(run.windowStart.slice(5, 16).replace('T', ' '))} ${e(run.trigger)}${run.datapointsWritten !== undefined ? ` · ${e(run.datapointsWritten)} pts` : ''}${run.errorCode ? ` · ${e(run.errorCode)}` : ''}</li>`,
    )
    .join('');
  return `<details class="runs"><summary>Recent runs (${c.recentRuns.length})</summary><ul>${items}</ul></details>`;
}

function ago(iso: string, now: number): string {
  const minutes = Math.round((now - Date.parse(iso)) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 120) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h ago` : `${Math.round(hours / 24)} d ago`;
}

function format(n: number): string {
  return Math.abs(n) >= 1e6 ? n.toExponential(2) : Number.isInteger(n) ? String(n) : n.toFixed(1);
}

function unitLabel(unit: string): string {
  return unit === 'Percent' ? '%' : unit;
}

// Contrast: text #1b1f24 on white and badge text on tinted backgrounds stay above 4.5:1.
const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;background:#f3f5f7}
header{padding:16px 20px;background:#fff;border-bottom:1px solid #d0d7de}
h1{margin:0;font-size:20px}
.meta{margin:4px 0 0;color:#444c56}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(380px,1fr));gap:16px;padding:16px 20px}
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
.rname{margin:0 0 4px;overflow-wrap:anywhere}.type{color:#57606a;font-size:12px}
.state{display:inline-block;padding:0 6px;border-radius:4px;background:#ddf4ff;color:#0a3069;font-size:12px;font-weight:600}
table{width:100%;border-collapse:collapse;font-size:13px}th,td{text-align:left;padding:2px 4px;vertical-align:middle}
thead th{font-size:11px;color:#57606a;font-weight:600}tbody th{font-weight:500;max-width:120px;overflow-wrap:anywhere}
.num{white-space:nowrap;font-variant-numeric:tabular-nums}.unit{color:#57606a}
svg.spark{display:block;max-width:100%;height:auto}svg.spark polyline{fill:none;stroke:#0969da;stroke-width:1.6}svg.spark circle{fill:#0969da}svg.spark .none{stroke:#d0d7de;stroke-dasharray:3 3}svg.spark .limit{stroke:#cf222e;stroke-width:1}svg.spark circle.mark{fill:#cf222e}
.runs{margin-top:8px;font-size:13px}.runs ul{margin:4px 0;padding-left:18px}.runs.none{color:#57606a}
.run{font-weight:600}.r-succeeded{color:#0f5323}.r-failed{color:#a40e26}.r-running,.r-queued,.r-retrying{color:#0a3069}
@media (max-width:480px){.grid{grid-template-columns:1fr;padding:10px}header{padding:12px}thead th:nth-child(4),tbody td:nth-child(4){display:none}}
`;
