// Signed webhook deliveries live in src/dev/ (compiled into dist/, so `npm run demo` uses the same code).
export * from '../../src/dev/webhook-signing.js';
