// Benchmark target for the cost of being recorded: does nothing but keep its event loop alive,
// so every CPU millisecond it spends is the cost of whatever client is attached.
'use strict';
setInterval(() => {}, 1000);
process.on('SIGTERM', () => process.exit(0));
process.stdout.write(`ready ${process.pid}\n`);
