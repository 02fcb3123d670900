/**
 * Preloaded (`node -r dist/scripts/cpu-probe.js ...`) by the cold-start figures of scripts/bench.ts:
 * at exit, writes the process's CPU time in ms (user + system, all threads, from process.cpuUsage())
 * to file descriptor 3, which the bench opens as a pipe. `-r` sets no V8 flag, so the CLI's code cache
 * is still taken.
 */
import * as fs from 'fs';

process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  fs.writeSync(3, String((user + system) / 1000));
});
