import { Command, CommanderError } from 'commander';
import { createCliContext } from './cli-context';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './cli-error';
import { takeExitCode } from './set-exit-code';
import { processIo, type CliIo } from './cli-io';
import { registerAuditCommand } from './commands/audit-command';
import { registerCollectCommand } from './commands/collect-command';
import { registerCoverageCommand } from './commands/coverage-command';
import { registerCustomersCommand } from './commands/customers-command';
import { registerHealthCommand } from './commands/health-command';
import { registerOperatorAuditCommand } from './commands/operator-audit-command';
import { registerQueryCommand } from './commands/query-command';
import { registerTestCommand } from './commands/test-command';

/** The `ctc` program: one command group per file under commands/, each registered here. */
function buildProgram(io: CliIo): Command {
  const context = createCliContext(io);
  const program = new Command('ctc')
    .description(
      'Operate the cross-tenant collector through its HTTP API.\n' +
        `Talks to --url / CTC_URL (default http://127.0.0.1:7071, the local \`npm start\`);\n` +
        'for a deployment pass an Entra ID access token for the collector app with --token / CTC_TOKEN\n' +
        '(az account get-access-token --resource api://<collector app client id> --query accessToken -o tsv);\n' +
        'your app role (Collector.Reader or Collector.Admin) decides what you may do.',
    )
    .option('--url <url>', 'collector base URL (env CTC_URL)')
    .option('--token <token>', 'Entra ID access token for a deployment, sent as a bearer token (env CTC_TOKEN)')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  registerCustomersCommand(program, context);
  registerTestCommand(program, context);
  registerCollectCommand(program, context);
  registerCoverageCommand(program, context);
  registerQueryCommand(program, context);
  registerHealthCommand(program, context);
  registerAuditCommand(program, context);
  registerOperatorAuditCommand(program, context);
  // Every (sub)command reports through us instead of exiting the process, so tests run it in-process.
  const exitOverride = (command: Command): void => {
    command.exitOverride();
    command.configureOutput({ writeOut: io.out, writeErr: io.err });
    command.commands.forEach(exitOverride);
  };
  exitOverride(program);
  return program;
}

/**
 * Runs `ctc` with `argv` (without node and script). @returns the exit code: 0 ok, 1 failure,
 * 2 usage error. Never throws and never calls process.exit.
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const program = buildProgram(io);
  if (argv.length === 0) {
    program.outputHelp();
    return EXIT_USAGE;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return takeExitCode(program) ?? EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are successful exits; everything else commander refuses is a usage error.
      return ['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(error.code)
        ? EXIT_OK
        : EXIT_USAGE;
    }
    if (error instanceof CliError) {
      io.err(`ctc: ${error.message}\n`);
      return error.exitCode;
    }
    io.err(`ctc: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_FAILURE;
  }
}

if (require.main === module) {
  void runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
