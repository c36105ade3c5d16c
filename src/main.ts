import 'reflect-metadata';
import { ConfigError, loadConfig, type AppConfig } from './config/app-config.js';
import { createApp } from './app.setup.js';

let config: AppConfig;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
const app = await createApp(config);
await app.listen(config.port, '0.0.0.0');
const address = app.getHttpServer().address();
const port = typeof address === 'object' && address ? address.port : config.port;
process.stdout.write(`crm-inbox listening on http://localhost:${port} (API under /api, docs at /api/docs)\n`);
