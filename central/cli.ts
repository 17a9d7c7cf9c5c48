// `joulebook central ...`: run the central node; manage its broker's users.
import { Command } from 'commander';
import { untilSignal } from '../cli/args.js';
import { brokerCommand } from './broker/cli.js';
import { readCentralConfig } from './config/central-load.js';
import { systemClock } from './ingest/clock.js';
import { centralLogger } from './log.js';
import { startCentral } from './main.js';

export function centralCommand(): Command {
  const cmd = new Command('central')
    .description('the central node: ingest from every gateway, store, account energy, invoice')
    .option('-c, --config <file>', 'central.yaml')
    .action(async (o: { config?: string }) => {
      if (!o.config) {
        cmd.help({ error: true });
        return;
      }
      const config = await readCentralConfig(o.config);
      const log = centralLogger(config.log.level);
      const central = await startCentral({ config, clock: systemClock, log });
      await untilSignal();
      await central.stop();
    });
  cmd.addCommand(brokerCommand());
  return cmd;
}
