'use strict';
// Preloaded (--require) into a benchmarked child: at exit, writes the process's peak resident set in
// bytes to KEYRITE_BENCH_RSS_FILE. getrusage's ru_maxrss covers every thread, so scrypt's working memory
// on the thread pool is included.
const file = process.env.KEYRITE_BENCH_RSS_FILE;
if (file) {
  delete process.env.KEYRITE_BENCH_RSS_FILE;
  process.on('exit', () => {
    require('node:fs').writeFileSync(file, String(process.resourceUsage().maxRSS * 1024));
  });
}
