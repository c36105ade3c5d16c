import { mkdirSync } from 'node:fs';
import { relative } from 'node:path';
import { startFakePlatforms, type FakePlatforms } from '../dev/fake-platforms.js';
import { DEMO_AGENTS, PLATFORM_LABELS } from './demo-cast.js';
import { DemoAppProcess, portIsFree } from './demo-app-process.js';
import { DemoSession } from './demo-api.js';
import { demoFiles } from './demo-media.js';
import { DEMO_USAGE, DemoUsageError, parseDemoOptions, type DemoOptions } from './demo-options.js';
import { DemoPlayer, type PlayedMessage } from './demo-player.js';
import { DemoReceipts } from './demo-receipts.js';
import { DemoSeed } from './demo-seed.js';
import { Stopper, StopRequested } from './demo-stopper.js';
import { loadOrCreateSignIn, saveSignIn, SIGN_IN_FILE, type DemoSignIn } from './demo-sign-in.js';
import { WebhookPoster } from './demo-webhooks.js';

/**
 * `npm run demo`: the app on embedded Postgres in its own DATA_DIR, a seeded shop, customers writing in through
 * the real signed webhook routes, and the platforms' send APIs answered by the local fake (whose receipts move
 * agent replies to delivered and read). Ctrl-C or SIGTERM stops everything and exits 0.
 */

/** The embedded Postgres runs as the unprivileged postgres user when the demo runs as root. */
const DATA_DIR_MODE = 0o755;
const RULE = '─'.repeat(72);

const say = (line: string) => process.stdout.write(`${line}\n`);
// A closed terminal or pipe (`npm run demo | tee`, then Ctrl-C) must not keep the demo from stopping the app.
process.stdout.on('error', () => undefined);
/** The data folder as the user typed it, more or less: relative below the working directory. */
const shown = (path: string) => {
  const below = relative(process.cwd(), path);
  return below && !below.startsWith('..') ? below : path;
};
const clock = () => new Date().toTimeString().slice(0, 8);

/** A refusal the user can act on: printed without a stack. */
class DemoProblem extends Error {}

function printSignIn(options: DemoOptions, signIn: DemoSignIn): void {
  const width = Math.max(signIn.admin.email.length, ...signIn.agents.map((agent) => agent.email.length));
  const dataDir = shown(options.dataDir);
  say(RULE);
  say(`  crm-inbox demo is running: http://localhost:${options.port}`);
  say(`  Sign in with (kept in ${dataDir}/${SIGN_IN_FILE}):`);
  say(`    admin  ${signIn.admin.email.padEnd(width)}  ${signIn.admin.password}`);
  for (const [index, agent] of signIn.agents.entries()) {
    const platforms = DEMO_AGENTS[index].platforms.map((platform) => PLATFORM_LABELS[platform]).join(', ');
    say(`    agent  ${agent.email.padEnd(width)}  ${agent.password}   ${agent.name}: ${platforms}`);
  }
  say(`  Customers write in about every ${options.intervalMs / 1000} s. Ctrl-C stops the demo;`);
  say(`  delete ${dataDir} to start over.`);
  say(RULE);
}

function describePlayed(message: PlayedMessage): string {
  const { customer, text, attachment, newcomer } = message;
  const extra = [attachment ? `+ ${attachment.type} ${attachment.name}` : '', newcomer ? 'new customer' : '']
    .filter(Boolean)
    .join(', ');
  return `[${clock()}] ${PLATFORM_LABELS[customer.platform].padEnd(8)} ${customer.name.padEnd(18)} ${text}${extra ? `  (${extra})` : ''}`;
}

async function run(options: DemoOptions): Promise<number> {
  mkdirSync(options.dataDir, { recursive: true, mode: DATA_DIR_MODE });
  const signIn = loadOrCreateSignIn(options.dataDir);
  let app: DemoAppProcess | undefined;
  let fake: FakePlatforms | undefined;
  let player: DemoPlayer | undefined;
  let receipts: DemoReceipts | undefined;
  const stopper = new Stopper(say, () => app?.killGroup());
  // Should the demo itself fail, the app (in its own process group) still shuts down by itself.
  process.once('uncaughtException', (error) => {
    say(`The demo failed: ${error.stack ?? String(error)}`);
    app?.terminate();
    process.exit(1);
  });
  const problem = (line: string) => say(`[${clock()}] ! ${line}`);
  let exitCode = 0;

  try {
    say(`Starting the crm-inbox demo (data in ${shown(options.dataDir)})…`);
    if (!(await portIsFree(options.port)))
      throw new DemoProblem(`Port ${options.port} is in use: stop what runs there or pass --port <another>.`);
    fake = await startFakePlatforms({ files: demoFiles(), recordRequests: false });
    app = DemoAppProcess.start(
      options.port,
      {
        DATA_DIR: options.dataDir,
        SEED_ADMIN_EMAIL: signIn.admin.email,
        SEED_ADMIN_PASSWORD: signIn.admin.password,
        PUBLIC_URL: `http://localhost:${options.port}`,
        LOG_LEVEL: options.logLevel,
        MEDIA_FETCH_ALLOW_HOSTS: new URL(fake.url).host,
        ...fake.env(),
      },
      (line) => say(`  app │ ${line}`),
    );
    const webhooks = new WebhookPoster(app.url);
    receipts = new DemoReceipts(webhooks, problem);
    receipts.install(fake);
    say(`Platform fake on ${fake.url}; starting the app on port ${options.port} (embedded PostgreSQL)…`);
    await stopper.unlessStopped(app.waitReady());

    const admin = new DemoSession(app.url, signIn.admin.email, signIn.admin.password);
    if (!(await stopper.unlessStopped(admin.signIn())))
      throw new DemoProblem(
        `${signIn.admin.email} no longer signs in with the demo's password: delete ${shown(options.dataDir)} to start over.`,
      );
    const agents = signIn.agents.map((agent) => new DemoSession(app!.url, agent.email, agent.password));
    const seed = new DemoSeed(admin, agents, signIn, webhooks, fake.fileUrl);
    const users = await stopper.unlessStopped(seed.ensureAgents());
    const channels = await stopper.unlessStopped(seed.ensureChannels(users));
    say('Users and channels ready (one Facebook page, one Zalo OA, one TikTok account).');
    if (!signIn.seededAt) {
      const delivered = await stopper.unlessStopped(seed.deliverHistory(Date.now()));
      const named = await stopper.unlessStopped(seed.nameCustomers(channels));
      const replies = await stopper.unlessStopped(seed.arrangeConversations(channels));
      signIn.seededAt = new Date().toISOString();
      saveSignIn(options.dataDir, signIn);
      say(
        `History seeded: ${delivered} messages through the signed webhooks, ${named} customers named, ${replies} inbox replies.`,
      );
    } else {
      say(`History seeded on ${signIn.seededAt}: reusing it.`);
    }

    const known = await stopper.unlessStopped(seed.knownCustomers(channels));
    printSignIn(options, signIn);
    player = new DemoPlayer({
      intervalMs: options.intervalMs,
      known,
      webhooks,
      fileUrl: fake.fileUrl,
      onPlayed: (message) => {
        say(describePlayed(message));
        if (message.newcomer)
          seed
            .nameCustomers(channels)
            .catch((error: unknown) => problem(`naming a customer failed: ${String(error)}`));
      },
      onProblem: problem,
    });
    player.start();
    const appGone = app.whenExited().then((exit) => {
      throw new DemoProblem(`The app stopped by itself (${exit.signal ?? `exit code ${exit.code}`}).`);
    });
    await Promise.race([stopper.requested, appGone]);
  } catch (error) {
    if (!(error instanceof StopRequested)) {
      say(
        error instanceof DemoProblem
          ? error.message
          : `The demo failed: ${(error as Error).stack ?? String(error)}`,
      );
      exitCode = 1;
    }
  } finally {
    await player?.stop();
    await receipts?.stop();
    if (app) {
      say('Stopping the app…');
      const exit = await app.stop();
      if (!exit.clean) {
        say(`The app did not stop cleanly (${exit.signal ?? `exit code ${exit.code}`}).`);
        exitCode = 1;
      }
    }
    await fake?.close();
  }
  say('Demo stopped.');
  return exitCode;
}

async function main(): Promise<number> {
  let options: DemoOptions;
  try {
    options = parseDemoOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof DemoUsageError)) throw error;
    process.stderr.write(`${error.message}\n${DEMO_USAGE}\n`);
    return 2;
  }
  return run(options);
}

// Exits explicitly: keep-alive sockets of fetch would otherwise hold the process for a while.
process.exit(await main());
