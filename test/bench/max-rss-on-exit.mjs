// Preloaded into a child (node --import): prints its peak resident set size as it exits.
process.on('exit', () => process.stderr.write(`maxRSSKiB ${process.resourceUsage().maxRSS}\n`));
