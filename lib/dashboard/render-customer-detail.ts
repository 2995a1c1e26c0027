import { describeDimensions } from '../query/rank-top-resources';
import type { CustomerDetail, DetailResource, DetailSeries } from './build-customer-detail';
import { escapeHtml as e } from './escape-html';
import {
  DASHBOARD_PATH,
  formatNumber,
  lastRunOf,
  renderBadges,
  renderFacts,
  renderPage,
  renderProblem,
  renderState,
  renderUpdated,
  unitLabel,
} from './render-page';
import { renderSvgSparkline } from './render-svg-sparkline';

/**
 * One customer's page: its facts and problem, then every resource with a row per series (latest value, 24 h
 * and 7 d hourly sparklines from the summaries), split series on rows of their own under their dimension
 * values, and the recent runs. Self-contained like the list (no script, nothing external, all escaped).
 */
export function renderCustomerDetail(detail: CustomerDetail): string {
  const c = detail.customer;
  const now = Date.parse(detail.generatedAt);
  const header = `<p class="meta"><a href="${DASHBOARD_PATH}">← All customers</a></p>
  <div class="head"><h1>${e(c.displayName)} <span class="id">${e(c.id)}</span></h1>${renderBadges(c)}</div>
  <p class="meta">${renderUpdated(detail.generatedAt)}</p>`;
  const body = `<main class="detail">
<section class="tile h-${e(c.health)} lr-${lastRunOf(c)}" data-customer="${e(c.id)}" data-health="${e(c.health)}" data-last-run="${lastRunOf(c)}">
  ${renderFacts(c, now)}
  ${renderProblem(c)}
  ${renderRuns(detail)}
</section>
${detail.resources.map(renderResource).join('\n')}
</main>`;
  return renderPage(`${c.displayName} · Cross-tenant collector`, header, body);
}

function renderResource(r: DetailResource): string {
  const status = r.ok === false ? `<span class="badge h-failing">${e(r.errorCode ?? 'error')}</span>` : '';
  const rows = r.series.map((s) => renderSeries(r, s)).join('');
  return `<section class="tile resource" data-resource="${e(r.name)}">
    <p class="rname"><strong>${e(r.name)}</strong> <span class="type">${e(r.type)}</span> ${renderState(r.state, r.sku)} ${status}</p>
    ${rows ? `<table><thead><tr><th scope="col">Series</th><th scope="col">Latest</th><th scope="col">24 h (hourly)</th><th scope="col">7 d (hourly)</th></tr></thead><tbody>${rows}</tbody></table>` : '<p class="runs none">No series collected.</p>'}
  </section>`;
}

function renderSeries(r: DetailResource, s: DetailSeries): string {
  const dims = s.dimensions ? describeDimensions(s.dimensions) : '';
  const unit = s.unit ? ` <span class="unit">${e(unitLabel(s.unit))}</span>` : '';
  const latest =
    s.latest === undefined
      ? '—'
      : `<span title="${e(s.latestAt ?? '')}">${e(formatNumber(s.latest))}</span>${unit}${s.latestProvisional ? ' <span class="prov" title="may still change">provisional</span>' : ''}`;
  const name = `${r.name} ${s.label}`;
  const chart = (values: (number | null)[], span: string, withMarks: boolean) =>
    renderSvgSparkline(values, {
      label: `${name}, ${span}`,
      ...(s.unit ? { unit: s.unit } : {}),
      ...(s.referenceLine !== undefined
        ? { reference: s.referenceLine, ...(withMarks ? { marks: s.marks ?? [] } : {}) }
        : {}),
    });
  return `<tr data-series="${e(s.label)}"${dims ? ` data-dimensions="${e(dims)}"` : ''}><th scope="row">${e(s.metric)}${dims ? `<span class="dims">${e(dims)}</span>` : ''}</th><td class="num">${latest}</td>
      <td>${chart(s.day, 'last 24 h (hourly)', true)}</td>
      <td>${chart(s.week, 'last 7 days (hourly)', false)}</td></tr>`;
}

function renderRuns(detail: CustomerDetail): string {
  if (detail.recentRuns.length === 0) return '<p class="runs none">No recorded runs yet.</p>';
  const items = detail.recentRuns
    .map(
      (run) =>
        `<li><span class="run r-${e(run.status)}">${e(run.status)}</span> ${e(run.windowStart.slice(5, 16).replace('T', ' '))} ${e(run.trigger)}${run.datapointsWritten !== undefined ? ` · ${e(run.datapointsWritten)} pts` : ''}${run.errorCode ? ` · ${e(run.errorCode)}` : ''}</li>`,
    )
    .join('');
  return `<details class="runs" open><summary>Recent runs (${detail.recentRuns.length})</summary><ul>${items}</ul></details>`;
}
