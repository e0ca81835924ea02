import cluster, { type Worker } from 'node:cluster';
import type { Config } from './config';
import type { Logger } from './logger';
import { STABLE_AFTER_MS, restartDelayMs } from './restart-backoff';
import { SHUTDOWN_DEADLINE_MS } from './server';

/**
 * Why `PAYBRIDGE_WEB_PROCESSES` above 1 cannot run with this configuration, as a message that says
 * what to do; undefined when it can.
 */
export function webProcessesProblem(config: Config): string | undefined {
  if (config.webProcesses <= 1) return undefined;
  const setting = `PAYBRIDGE_WEB_PROCESSES (--web-processes) is ${config.webProcesses}`;
  if (config.role === 'worker')
    return `${setting}, but PAYBRIDGE_ROLE=worker serves no port. Drop the setting, or start several PAYBRIDGE_ROLE=worker processes instead.`;
  // Each web process would take the embedded store's exclusive server lock, and only one can.
  if (!config.databaseUrl)
    return `${setting}, which needs PAYBRIDGE_DATABASE_URL: the embedded store admits one web process per data directory. Set PAYBRIDGE_DATABASE_URL to a PostgreSQL server, or run 1 web process.`;
  return undefined;
}

interface Slot {
  readonly index: number;
  worker?: Worker;
  startedAt: number;
  crashesInARow: number;
  restart?: NodeJS.Timeout;
}

/**
 * The cluster primary of `paybridge serve --web-processes N`: it forks N processes that run the same
 * command (each one serves; node:cluster hands them the connections of the one listening socket),
 * replaces one that exits on its own after a backoff, and on SIGTERM or SIGINT passes SIGTERM to every
 * process and exits once all have stopped. The primary opens no database connection and serves
 * nothing itself, so it has nothing to lose when a process dies.
 *
 * A process that exits before any process ever listened is a start-up failure (a port in use, a
 * wrong master key): every process would fail the same way, so the primary stops them all and exits 1
 * instead of restarting forever. Each process prints its own error. `onAllServing` is called once,
 * when every process has listened for the first time (the bench waits for it).
 */
export function runWebCluster(config: Config, logger: Logger, options: { onAllServing?: (port: number) => void } = {}): Promise<number> {
  const slots: Slot[] = Array.from({ length: config.webProcesses }, (_, index) => ({ index, startedAt: 0, crashesInARow: 0 }));
  let everListened = false;
  const listenedOnce = new Set<number>();
  let stopping = false;
  let exitCode = 0;
  let finish: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => (finish = resolve));

  const label = (slot: Slot) => `web process ${slot.index + 1}/${slots.length}`;
  const fork = (slot: Slot) => {
    slot.restart = undefined;
    slot.startedAt = Date.now();
    const worker = cluster.fork();
    slot.worker = worker;
    worker.once('listening', (address) => {
      everListened = true;
      logger.info({ web_process_pid: worker.process.pid, slot: slot.index + 1 }, `${label(slot)} is serving`);
      listenedOnce.add(slot.index);
      if (listenedOnce.size === slots.length && !stopping) {
        listenedOnce.add(-1); // reported: a replacement listening later does not report again
        options.onAllServing?.(address.port);
      }
    });
  };
  const live = () => slots.filter((slot) => slot.worker && !slot.worker.isDead());
  const stopAll = (code: number) => {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    for (const slot of slots) clearTimeout(slot.restart);
    for (const slot of live()) slot.worker!.process.kill('SIGTERM');
    // Each process stops within its own deadline (3 × SHUTDOWN_DEADLINE_MS); one that does not is stuck.
    const watchdog = setTimeout(
      () => {
        for (const slot of live()) slot.worker!.process.kill('SIGKILL');
      },
      3 * SHUTDOWN_DEADLINE_MS + 5_000,
    );
    watchdog.unref();
    if (live().length === 0) finish(exitCode);
  };

  cluster.on('exit', (worker, code, signal) => {
    const slot = slots.find((candidate) => candidate.worker === worker);
    if (!slot) return;
    slot.worker = undefined;
    if (stopping) {
      if (live().length === 0) {
        logger.info({ code: exitCode }, 'every web process has stopped');
        finish(exitCode);
      }
      return;
    }
    const how = signal ? `signal ${signal}` : `code ${code}`;
    if (!everListened) {
      logger.error({ slot: slot.index + 1, code, signal }, `${label(slot)} exited with ${how} before serving; stopping the others`);
      stopAll(1);
      return;
    }
    slot.crashesInARow = Date.now() - slot.startedAt >= STABLE_AFTER_MS ? 1 : slot.crashesInARow + 1;
    const delayMs = restartDelayMs(slot.crashesInARow);
    logger.error({ slot: slot.index + 1, code, signal, delayMs }, `${label(slot)} exited with ${how}; starting a new one in ${delayMs} ms`);
    slot.restart = setTimeout(() => fork(slot), delayMs);
  });
  process.once('SIGTERM', () => stopAll(0));
  process.once('SIGINT', () => stopAll(0));

  logger.info({ processes: slots.length, port: config.port, role: config.role }, `starting ${slots.length} web processes on one port`);
  for (const slot of slots) fork(slot);
  return finished;
}
