import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { Option } from 'commander';
import type { CliContext } from '../cli-context';
import { CliError, EXIT_FAILURE, EXIT_USAGE } from '../cli-error';
import { setExitCode } from '../set-exit-code';
import { formatTable } from '../format-table';
import { formatTestDetails, type TestReport } from '../format-test-report';

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
    .option(
      '--secret-file <path>',
      'file holding the client secret VALUE (clientSecret mode); prompted without echo when omitted',
    )
    .option('--certificate-file <path>', 'PEM with certificate and private key (certificate mode)')
    .option('--expires-on <iso-date>', 'when the secret expires (certificates: read from the certificate)')
    .action(async (id: string, options: CustomerFlags & CredentialFlags & { disabled?: boolean }, command: Command) => {
      const api = context.api(command);
      const existing = await api.request('GET', `customers/${encodeURIComponent(id)}`, { allow: [404] });
      if (existing.status !== 404)
        throw new CliError(`Customer ${id} already exists; use \`ctc customers update ${id}\``);
      await promptMissing(context, options);
      const credential = await readCredential(context, options.authMode ?? 'clientSecret', options, true);
      const body = { ...applyFlags({ id, enabled: !options.disabled, resources: [] }, options), ...credential };
      const response = await api.request<SaveAnswer>('PUT', `customers/${encodeURIComponent(id)}`, { body });
      const saved = savedCustomer(response);
      context.io.out(`Added ${saved.id} (${saved.displayName}) with ${saved.resources.length} resource(s).\n`);
      const mode = saved.authMode ?? 'clientSecret';
      const awaitingSecret =
        (mode === 'clientSecret' || mode === 'certificate') && Object.keys(credential).length === 0;
      if (awaitingSecret) {
        // Registered ahead of its secret: the test cannot pass yet, which is not a failure of this command.
        context.io.out(
          `Next: store its ${mode === 'certificate' ? 'certificate' : 'client secret'} with \`ctc customers rotate-secret ${id}\`.\n`,
        );
        return;
      }
      reportOnboarding(context, command, response.body);
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
    .option('--purge-data', "also delete the customer's stored datapoints and snapshots")
    .action(async (id: string, options: { yes?: boolean; purgeData?: boolean }, command: Command) => {
      if (!options.yes) throw new CliError(`Removing ${id} cannot be undone; repeat with --yes to confirm`, EXIT_USAGE);
      await getCustomer(context, command, id);
      const response = await context
        .api(command)
        .request<RemovalAnswer>('DELETE', `customers/${encodeURIComponent(id)}`, {
          allow: [404, 405],
          ...(options.purgeData ? { query: { purgeData: 'true' } } : {}),
        });
      if (response.status === 404 || response.status === 405) {
        throw new CliError(
          `This collector has no DELETE /api/customers/{id}; disable the customer instead: ctc customers disable ${id}`,
        );
      }
      const removal = response.body;
      context.io.out(
        `Removed ${id}` +
          (removal.secretDeleted
            ? '; its Key Vault secret is soft-deleted (recoverable during the retention period)'
            : '') +
          (removal.purged
            ? `; purged ${removal.purged.datapoints} datapoint(s) and ${removal.purged.snapshots} snapshot(s)`
            : '') +
          '.\n',
      );
    });

  customers
    .command('rotate-secret')
    .description('store a new client secret or certificate version in Key Vault and test it at once')
    .argument('<id>', 'customer id')
    .option('--secret-file <path>', 'file holding the new client secret VALUE; prompted without echo when omitted')
    .option('--certificate-file <path>', 'PEM with the new certificate and private key')
    .option('--expires-on <iso-date>', 'when the new secret expires')
    .action(async (id: string, options: CredentialFlags, command: Command) => {
      const current = await getCustomer(context, command, id);
      const mode = current.authMode ?? 'clientSecret';
      const body = await readCredential(context, mode, options, false);
      const { body: answer } = await context
        .api(command)
        .request<OnboardingAnswer>('POST', `customers/${encodeURIComponent(id)}/rotate-secret`, { body });
      reportOnboarding(context, command, answer);
    });

  return customers;
}

interface CredentialFlags {
  authMode?: string;
  secretFile?: string;
  certificateFile?: string;
  expiresOn?: string;
}

interface OnboardingAnswer {
  secret?: { name: string; version: string; expiresOn?: string };
  test?: TestReport;
}

interface RemovalAnswer {
  secretDeleted?: boolean;
  purged?: { datapoints: number; snapshots: number };
}

/** Asks for the registration fields that were not given as flags (interactive terminals only). */
async function promptMissing(context: CliContext, options: CustomerFlags & CredentialFlags): Promise<void> {
  const ask = context.io.prompt;
  const questions: Array<[keyof CustomerFlags | 'authMode', string]> = [
    ['name', 'Display name: '],
    ['tenant', "Customer's tenant ID: "],
    ['authMode', 'Auth mode (clientSecret, certificate, federatedIdentity, lighthouse) [clientSecret]: '],
    ['client', 'Client (application) ID: '],
  ];
  for (const [flag, question] of questions) {
    if (options[flag] || !ask) continue;
    const answer = await ask(question);
    if (answer) (options as Record<string, string>)[flag] = answer;
  }
  for (const flag of ['name', 'tenant', 'client'] as const) {
    if (!options[flag]) throw new CliError(`--${flag} is required to add a customer`, EXIT_USAGE);
  }
}

/**
 * The credential fields of the PUT / rotate-secret body. A secret is read from a file or typed without
 * echo, never taken as a flag value (flags end up in shell history and process listings).
 */
async function readCredential(
  context: CliContext,
  authMode: string,
  options: CredentialFlags,
  optional: boolean,
): Promise<{ secret?: string; certificate?: string; expiresOn?: string }> {
  const expiresOn = options.expiresOn ? { expiresOn: toIsoDate(options.expiresOn) } : {};
  if (options.certificateFile) return { certificate: readFileSync(options.certificateFile, 'utf8'), ...expiresOn };
  if (options.secretFile) return { secret: readFileSync(options.secretFile, 'utf8').trim(), ...expiresOn };
  if (authMode === 'clientSecret' && context.io.prompt) {
    const secret = await context.io.prompt('Client secret VALUE (not its ID; input hidden): ', { secret: true });
    if (secret) return { secret, ...expiresOn };
  }
  if (optional || authMode === 'federatedIdentity' || authMode === 'lighthouse') return {};
  throw new CliError(
    authMode === 'certificate'
      ? '--certificate-file is required'
      : '--secret-file is required (or run in a terminal to type it)',
    EXIT_USAGE,
  );
}

function toIsoDate(value: string): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new CliError(`--expires-on "${value}" is not a date`, EXIT_USAGE);
  return date.toISOString();
}

/** Prints what Key Vault stored and the connection test verdict that the API ran at once. */
function reportOnboarding(context: CliContext, command: Command, answer: unknown): void {
  const { secret, test } = (answer ?? {}) as OnboardingAnswer;
  if (secret) {
    context.io.out(
      `Stored Key Vault secret ${secret.name}, version ${secret.version}` +
        (secret.expiresOn ? `, expires ${secret.expiresOn}` : '') +
        '.\n',
    );
  }
  if (!test) return;
  // The same report `ctc test` prints, so a failing resource shows its code and fix here too.
  context.io.out(
    `Connection test: ${test.verdict ?? (test.ok ? 'ok' : 'failed')}\n${formatTestDetails(test).join('\n')}\n`,
  );
  if (!test.ok) setExitCode(command, EXIT_FAILURE);
}

interface CustomerFlags {
  name?: string;
  tenant?: string;
  client?: string;
  secretName?: string;
  authMode?: string;
  resource?: string[];
  deliverUrl?: string;
  deliverContainer?: string;
}

function customerFlags(command: Command): Command {
  return command
    .option('--name <displayName>', 'display name')
    .option('--tenant <guid>', "the customer's Entra tenant ID")
    .option('--client <guid>', 'client (application) ID of the app registration in that tenant')
    .option('--secret-name <name>', 'Key Vault secret name (default customer-{id}-secret)')
    .addOption(
      new Option('--auth-mode <mode>', 'how the collector signs in to the tenant').choices([
        'clientSecret',
        'certificate',
        'federatedIdentity',
        'lighthouse',
        'managedIdentity',
      ]),
    )
    .option('--deliver-url <url>', "also write each snapshot to the customer's own storage: its blob service URL")
    .option('--deliver-container <name>', 'the container for --deliver-url')
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
    ...(flags.authMode ? { authMode: flags.authMode } : {}),
    ...(flags.resource ? { resources: flags.resource.map(parseResourceSpec) } : {}),
    ...deliveryFlags(flags),
  };
}

/** Both delivery flags or neither: half a target is a usage error, not a silent no-op. */
function deliveryFlags(flags: CustomerFlags): { delivery?: { blobServiceUrl: string; container: string } } {
  if (!flags.deliverUrl && !flags.deliverContainer) return {};
  if (!flags.deliverUrl || !flags.deliverContainer) {
    throw new CliError('--deliver-url and --deliver-container go together', EXIT_USAGE);
  }
  return { delivery: { blobServiceUrl: flags.deliverUrl, container: flags.deliverContainer } };
}

/** `"/subscriptions/…/vm1=Percentage CPU,Available Memory Bytes"` → a resource target. */
function parseResourceSpec(spec: string): { resourceId: string; metrics: string[] } {
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
