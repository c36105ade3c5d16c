// The platform fake lives in src/dev/ (compiled into dist/, so `npm run demo` uses the same code).
export * from '../../src/dev/fake-platforms.js';
