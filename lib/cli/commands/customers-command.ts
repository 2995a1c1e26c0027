import type { Command } from 'commander';
import { Option } from 'commander';
import type { CliContext } from '../cli-context';
import { CliError, EXIT_USAGE } from '../cli-error';
import { formatTable } from '../format-table';

// API payloads are read loosely: the CLI shows what the API returns and lets the API validate.
interface CustomerView {
  id: string;
  displayName: string;
  tenantId: string;
  clientId: string;
  enabled: boolean;
  authMode?: string;
  secretName?: string;
  resources: Array<{ resourceId: string; metrics: string[]; [k: string]: unknown }>;
  status?: {
    outcome: string;
    lastAttemptAt: string;
    lastSuccessAt?: string;
    errorCode?: string;
    consecutiveFailures: number;
  } | null;
  [k: string]: unknown;
}

/** The PUT answer: the onboarding result (`{ customer, test, … }`) or, from older deployments, the customer. */
type SaveAnswer = CustomerView | { customer: CustomerView };

function savedCustomer(response: { body: SaveAnswer }): CustomerView {
  const body = response.body;
  return 'customer' in body && typeof body.customer === 'object'
    ? (body.customer as CustomerView)
    : (body as CustomerView);
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/**
 * `ctc customers list|show|add|update|enable|disable|remove`. Registration flags map one to one onto
 * the `PUT /api/customers/{id}` body; new flags (auth modes, secrets) extend `customerFlags`.
 */
export function registerCustomersCommand(program: Command, context: CliContext): Command {
  const customers = program.command('customers').description('list, show and manage registered customers');

  customers
    .command('list')
    .description('every customer with its last run')
    .option('--json', 'print JSON instead of a table')
    .action(async (options: { json?: boolean }, command: Command) => {
      const { body } = await context.api(command).request<{ customers: CustomerView[] }>('GET', 'customers');
      if (options.json) return context.io.out(`${JSON.stringify(body.customers, null, 2)}\n`);
      const rows = body.customers.map((c) => [
        c.id,
        c.displayName,
        c.enabled ? 'yes' : 'no',
        String(c.resources.length),
        c.status?.outcome ?? 'never run',
        c.status?.lastSuccessAt ?? '—',
        c.status?.errorCode ?? '',
      ]);
      context.io.out(formatTable(['ID', 'NAME', 'ENABLED', 'RESOURCES', 'LAST RUN', 'LAST SUCCESS', 'ERROR'], rows));
    });

  customers
    .command('show')
    .description('one customer as JSON, with its last run status')
    .argument('<id>', 'customer id')
    .action(async (id: string, _options: unknown, command: Command) => {
      const { body } = await context.api(command).request('GET', `customers/${encodeURIComponent(id)}`);
      context.io.out(`${JSON.stringify(body, null, 2)}\n`);
    });

  customerFlags(
    customers
      .command('add')
      .description('register a new customer (PUT /api/customers/{id}); secrets go to Key Vault, never here')
      .argument('<id>', 'customer id: lowercase letters, digits, hyphens'),
  )
    .option('--disabled', 'register without collecting yet')
    .action(async (id: string, options: CustomerFlags & { disabled?: boolean }, command: Command) => {
      const api = context.api(command);
      const existing = await api.request('GET', `customers/${encodeURIComponent(id)}`, { allow: [404] });
      if (existing.status !== 404)
        throw new CliError(`Customer ${id} already exists; use \`ctc customers update ${id}\``);
      for (const flag of ['name', 'tenant', 'client'] as const) {
        if (!options[flag]) throw new CliError(`--${flag} is required to add a customer`, EXIT_USAGE);
      }
      const body = applyFlags({ id, enabled: !options.disabled, resources: [] }, options);
      const saved = savedCustomer(
        await api.request<SaveAnswer>('PUT', `customers/${encodeURIComponent(id)}`, { body }),
      );
      context.io.out(`Added ${saved.id} (${saved.displayName}) with ${saved.resources.length} resource(s).\n`);
      context.io.out(
        `Next: store its client secret in Key Vault as "${saved.secretName}", then run \`ctc test ${id}\`.\n`,
      );
    });

  customerFlags(
    customers
      .command('update')
      .description('change a registered customer; only the given flags change')
      .argument('<id>', 'customer id'),
  )
    .option('--add-resource <spec>', 'add a resource (same form as --resource), repeatable', collect)
    .option('--remove-resource <id-or-name>', 'stop collecting a resource, repeatable', collect)
    .action(
      async (
        id: string,
        options: CustomerFlags & { addResource?: string[]; removeResource?: string[] },
        command: Command,
      ) => {
        const api = context.api(command);
        const current = await getCustomer(context, command, id);
        let body = applyFlags(stripStatus(current), options);
        if (options.removeResource?.length) {
          const removals = options.removeResource.map((r) => r.toLowerCase());
          const before = body.resources.length;
          body = { ...body, resources: body.resources.filter((r) => !removals.some((x) => matches(r.resourceId, x))) };
          if (body.resources.length + removals.length > before) {
            throw new CliError(`--remove-resource: ${id} does not collect every resource named`, EXIT_USAGE);
          }
        }
        if (options.addResource?.length)
          body = { ...body, resources: [...body.resources, ...options.addResource.map(parseResourceSpec)] };
        const saved = savedCustomer(
          await api.request<SaveAnswer>('PUT', `customers/${encodeURIComponent(id)}`, { body }),
        );
        context.io.out(
          `Updated ${saved.id}: ${saved.resources.length} resource(s), ${saved.enabled ? 'enabled' : 'disabled'}.\n`,
        );
      },
    );

  for (const [name, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    customers
      .command(name)
      .description(
        enabled ? 'resume collecting a customer' : 'stop collecting a customer (keeps its data and registration)',
      )
      .argument('<id>', 'customer id')
      .action(async (id: string, _options: unknown, command: Command) => {
        const current = await getCustomer(context, command, id);
        await context
          .api(command)
          .request('PUT', `customers/${encodeURIComponent(id)}`, { body: { ...stripStatus(current), enabled } });
        context.io.out(`${id} ${enabled ? 'enabled' : 'disabled'}.\n`);
      });
  }

  customers
    .command('remove')
    .description('delete a registration (DELETE /api/customers/{id})')
    .argument('<id>', 'customer id')
    .option('--yes', 'confirm; required, as this cannot be undone')
    .action(async (id: string, options: { yes?: boolean }, command: Command) => {
      if (!options.yes) throw new CliError(`Removing ${id} cannot be undone; repeat with --yes to confirm`, EXIT_USAGE);
      await getCustomer(context, command, id);
      const response = await context
        .api(command)
        .request('DELETE', `customers/${encodeURIComponent(id)}`, { allow: [404, 405] });
      if (response.status === 404 || response.status === 405) {
        throw new CliError(
          `This collector has no DELETE /api/customers/{id}; disable the customer instead: ctc customers disable ${id}`,
        );
      }
      context.io.out(`Removed ${id}.\n`);
    });

  return customers;
}

interface CustomerFlags {
  name?: string;
  tenant?: string;
  client?: string;
  secretName?: string;
  resource?: string[];
}

function customerFlags(command: Command): Command {
  return command
    .option('--name <displayName>', 'display name')
    .option('--tenant <guid>', "the customer's Entra tenant ID")
    .option('--client <guid>', 'client (application) ID of the app registration in that tenant')
    .option('--secret-name <name>', 'Key Vault secret name (default customer-{id}-secret)')
    .addOption(
      new Option(
        '--resource <spec>',
        'resource to collect, repeatable: "<ARM id>" (state only) or "<ARM id>=<metric>[,<metric>…]"; replaces the list',
      ).argParser(collect),
    );
}

type CustomerBody = { resources: Array<{ resourceId: string; metrics: string[] }> } & Record<string, unknown>;

function applyFlags(base: CustomerBody, flags: CustomerFlags): CustomerBody {
  return {
    ...base,
    ...(flags.name ? { displayName: flags.name } : {}),
    ...(flags.tenant ? { tenantId: flags.tenant } : {}),
    ...(flags.client ? { clientId: flags.client } : {}),
    ...(flags.secretName ? { secretName: flags.secretName } : {}),
    ...(flags.resource ? { resources: flags.resource.map(parseResourceSpec) } : {}),
  };
}

/** `"/subscriptions/…/vm1=Percentage CPU,Available Memory Bytes"` → a resource target. */
export function parseResourceSpec(spec: string): { resourceId: string; metrics: string[] } {
  const [resourceId = '', metrics = ''] = spec.split('=', 2);
  if (!resourceId.startsWith('/subscriptions/')) {
    throw new CliError(
      `--resource "${spec}": expected a full ARM resource ID starting with /subscriptions/`,
      EXIT_USAGE,
    );
  }
  return {
    resourceId: resourceId.trim(),
    metrics: metrics
      .split(',')
      .map((m) => m.trim())
      .filter(Boolean),
  };
}

async function getCustomer(context: CliContext, command: Command, id: string): Promise<CustomerView> {
  const { body } = await context.api(command).request<CustomerView>('GET', `customers/${encodeURIComponent(id)}`);
  return body;
}

/** The GET answer carries the last-run status; the PUT body must not. */
function stripStatus(customer: CustomerView): CustomerBody {
  const { status: _status, ...rest } = customer;
  return rest as CustomerBody;
}

function matches(resourceId: string, wanted: string): boolean {
  const id = resourceId.toLowerCase();
  return wanted.startsWith('/') ? id === wanted : id.split('/').pop() === wanted;
}
