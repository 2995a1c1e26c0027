import {
  HEALTH_ORDER,
  type DashboardCustomer,
  type DashboardModel,
  type DashboardQuery,
} from './build-dashboard-model';
import { escapeHtml as e } from './escape-html';
import {
  customerPageHref,
  DASHBOARD_PATH,
  HEALTH_LABEL,
  lastRunOf,
  renderBadges,
  renderFacts,
  renderPage,
  renderProblem,
  renderState,
  renderUpdated,
} from './render-page';

export { DASHBOARD_REFRESH_SECONDS } from './render-page';

/** Resources listed on a tile; a customer's page lists them all. */
const TILE_RESOURCES = 8;

/**
 * The fleet list as one self-contained HTML page: a tile per customer of this page, customers needing action
 * first, state chips that filter (with the whole fleet's counts), a text search on id and name, and pages.
 * Each tile links to the customer's own page, where the charts are. Every value from data is escaped.
 */
export function renderDashboard(model: DashboardModel): string {
  const now = Date.parse(model.generatedAt);
  const attention = model.customers.filter(needsAttention).length;
  const header = `<h1>Cross-tenant collector</h1>
  <p class="meta">${model.total} customers · ${model.matching === model.total ? '' : `${model.matching} match · `}${renderUpdated(model.generatedAt)}${attention > 0 ? ` · <span class="badge h-failing" data-attention="${attention}">${attention} on this page need attention</span>` : ''}</p>
  ${renderFilters(model)}`;
  const tiles = model.customers.length
    ? model.customers.map((c) => renderCustomer(c, now)).join('\n')
    : '<p class="none">No customer matches.</p>';
  return renderPage('Cross-tenant collector', header, `<main class="grid">\n${tiles}\n</main>\n${renderPager(model)}`);
}

/**
 * The health state machine forgives one failed run, but ops should still see it at a glance: a failed last
 * run or a critical secret counts as needing attention (as `ctc health` does).
 */
function needsAttention(c: DashboardCustomer): boolean {
  if (!c.enabled) return false;
  return (c.health !== 'healthy' && c.health !== 'unknown') || Boolean(c.errorCode) || c.secretExpiry === 'critical';
}

/** A GET form (search) and links (state chips): no script needed, and the URL is shareable. */
function renderFilters(model: DashboardModel): string {
  const { query } = model;
  const chips = HEALTH_ORDER.filter((state) => (model.counts[state] ?? 0) > 0 || query.state === state)
    .map((state) => {
      const on = query.state === state;
      const href = listHref({ ...query, page: 1, ...(on ? { state: undefined } : { state }) });
      return `<a href="${e(href)}" class="${on ? 'on' : ''}" data-filter="${e(state)}"${on ? ' aria-current="true"' : ''}><span class="badge h-${e(state)}">${model.counts[state] ?? 0} ${e(HEALTH_LABEL[state] ?? state)}</span></a>`;
    })
    .join(' ');
  return `<form class="filters" method="get" action="${DASHBOARD_PATH}" role="search">
    <span class="chips">${chips}</span>
    ${query.state ? `<input type="hidden" name="state" value="${e(query.state)}">` : ''}
    <label>Customer <input type="search" name="q" value="${e(query.q ?? '')}" placeholder="id or name" maxlength="100"></label>
    <button type="submit">Search</button>
    ${query.state || query.q ? `<a href="${DASHBOARD_PATH}">Clear</a>` : ''}
  </form>`;
}

function renderPager(model: DashboardModel): string {
  if (model.pageCount <= 1) return '';
  const { query } = model;
  const prev =
    query.page > 1 ? `<a rel="prev" href="${e(listHref({ ...query, page: query.page - 1 }))}">← Previous</a>` : '';
  const next =
    query.page < model.pageCount
      ? `<a rel="next" href="${e(listHref({ ...query, page: query.page + 1 }))}">Next →</a>`
      : '';
  return `<nav class="pager" aria-label="Pages">${prev}<span data-page="${query.page}">Page ${query.page} of ${model.pageCount}</span>${next}</nav>`;
}

/** The list URL for a query; defaults stay out of it. */
export function listHref(query: Partial<DashboardQuery> & { state?: string | undefined }): string {
  const params = new URLSearchParams();
  if (query.state) params.set('state', query.state);
  if (query.q) params.set('q', query.q);
  if (query.page && query.page > 1) params.set('page', String(query.page));
  if (query.pageSize) params.set('pageSize', String(query.pageSize));
  const text = params.toString();
  return text ? `${DASHBOARD_PATH}?${text}` : DASHBOARD_PATH;
}

function renderCustomer(c: DashboardCustomer, now: number): string {
  const lastRun = lastRunOf(c);
  const failed = c.resources.filter((r) => r.ok === false).length;
  // A tile stays small however large the customer: failing resources first, the rest on the customer's page.
  const shown = [...c.resources.filter((r) => r.ok === false), ...c.resources.filter((r) => r.ok !== false)].slice(
    0,
    TILE_RESOURCES,
  );
  const more = c.resources.length - shown.length;
  const resources = shown.length
    ? `<ul class="rlist">${shown
        .map(
          (r) =>
            `<li data-resource="${e(r.name)}"><strong>${e(r.name)}</strong> <span class="type">${e(r.type)}</span> ${renderState(r.state, r.sku)}${r.ok === false ? ` <span class="badge h-failing">${e(r.errorCode ?? 'error')}</span>` : ''}</li>`,
        )
        .join('')}${more > 0 ? `<li class="type">and ${more} more</li>` : ''}</ul>`
    : '';
  return `<section class="tile h-${e(c.health)} lr-${lastRun}" data-customer="${e(c.id)}" data-health="${e(c.health)}" data-last-run="${lastRun}" aria-labelledby="t-${e(c.id)}">
  <div class="head">
    <h2 id="t-${e(c.id)}"><a href="${e(customerPageHref(c.id))}">${e(c.displayName)}</a> <span class="id">${e(c.id)}</span></h2>
    ${renderBadges(c)}
  </div>
  ${renderFacts(c, now)}
  ${renderProblem(c)}
  <div class="resource"><p class="rname">${c.resources.length} resource${c.resources.length === 1 ? '' : 's'}${failed ? ` · <span class="crit">${failed} failing</span>` : ''} · <a href="${e(customerPageHref(c.id))}">charts and runs</a></p>${resources}</div>
</section>`;
}
