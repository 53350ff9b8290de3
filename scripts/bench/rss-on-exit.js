// Preloaded into a benchmarked child process (node --require): writes its peak memory and CPU time to the
// file named by BENCH_RSS_FILE when it exits.
// Peak memory is this process image's own high-water mark (VmHWM in /proc/self/status). Not getrusage's maxRSS:
// Linux carries that over from the forked copy of the parent across exec, so a child started by a parent that
// holds a lot of memory (the bench keeping a previous run's output) reported the parent's size, not its own.
const { readFileSync, writeFileSync } = require('node:fs');

function peakRssMB() {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch {
    // not Linux: fall back to getrusage
  }
  return process.resourceUsage().maxRSS / 1024;
}

process.on('exit', () => {
  const u = process.resourceUsage();
  writeFileSync(
    process.env.BENCH_RSS_FILE,
    JSON.stringify({ maxRssMB: peakRssMB(), cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 }),
  );
});
