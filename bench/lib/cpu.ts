import fs from 'node:fs';

/**
 * CPU seconds (user + system) from /proc (Linux), or null: of a whole process, or with
 * `mainThreadOnly` of its main thread (whose thread id is the pid). Throughput on a shared 2-core
 * machine swings 2-3x between rounds; the CPU a server spends per request or message does not.
 */
export function cpuSeconds(pid: number | undefined, mainThreadOnly = false): number | null {
  if (pid === undefined) return null;
  try {
    const stat = fs.readFileSync(mainThreadOnly ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime, in clock ticks (USER_HZ, 100 on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}
