import { ConfigError, loadConfig } from './config.js';
import { createProcessLogger } from './logger.js';
import { startService } from './service.js';

let config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\nSee .env.example for every setting.\n`);
    process.exit(1);
  }
  throw error;
}

const { logger, close: closeLog } = createProcessLogger(config.logLevel);
/** Exits once every log line is out, in order (see closeDestination). */
const exit = (code: number) => void closeLog().finally(() => process.exit(code));
try {
  const service = await startService(config, logger);
  if (config.graphiql) process.stdout.write(`\nGraphiQL: ${service.url}\n\n`);
  if (service.bootstrapToken) {
    process.stdout.write(
      `An admin token was made for this new database. It is shown this once and stored only as a hash:\n\n  ${service.bootstrapToken}\n\nSend it as "Authorization: Bearer <token>" (in GraphiQL: the Headers tab). Make narrower ones with \`npm run token -- create\`.\n\n`,
    );
  }
  let signals = 0;
  // A second signal ends the wait for the load balancer (Ctrl-C twice); a third exits without draining.
  const shutdown = (signal: string) => {
    signals++;
    if (signals === 2) {
      logger.info({ signal }, 'second signal: closing the listener now');
      void service.close();
      return;
    }
    if (signals > 2) {
      logger.warn({ signal }, 'third signal: exiting without finishing the drain');
      process.exit(1);
    }
    logger.info({ signal }, 'shutting down');
    service.close().then(
      () => exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
} catch (error) {
  logger.fatal({ err: error }, 'the fact service could not start');
  exit(1);
}
