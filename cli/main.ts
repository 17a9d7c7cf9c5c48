// The `joulebook` command: every subcommand registers here.
import { Command } from 'commander';
import { ConfigError } from '../common/issues.js';
import { EXIT_CONFIG, gatewayCommand } from '../gateway/cli.js';
import { simCommand } from '../sim/cli.js';
import { centralCommand, energyCliCommand, invoiceCliCommand } from '../central/cli.js';
import { provisionCommand } from '../scripts/provision/cli.js';

const program = new Command('joulebook')
  .description('Power metering and energy billing for colocation data centers')
  .showHelpAfterError()
  .enablePositionalOptions()
  .addCommand(gatewayCommand())
  .addCommand(centralCommand())
  .addCommand(invoiceCliCommand())
  .addCommand(energyCliCommand())
  .addCommand(provisionCommand())
  .addCommand(simCommand());

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(EXIT_CONFIG);
  }
  process.stderr.write(`joulebook: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
