// Benchmark target for recording overhead: CPU-bound request-like work that reports its own
// throughput. Prints `ready <pid>` and works from then on, in ~10 ms slices with the event loop
// turning between them, and logs a line every 50 ms (as a busy service would). On the stdin line
// `measure <ms>` it counts operations over the next <ms> milliseconds and prints
// `ops <count> wall-ms <ms> cpu-ms <ms>` (process CPU time, all threads). Exits on SIGTERM.
'use strict';

const SLICE_MS = 10;
const LOG_EVERY_MS = 50;

function parseInput(i) {
  const text = JSON.stringify({ id: i, user: `user-${i % 97}`, items: [i % 7, i % 11, i % 13, i % 17], note: 'x'.repeat(i % 32) });
  return JSON.parse(text);
}

function priceItems(order) {
  let total = 0;
  const lines = [];
  for (const item of order.items) {
    const price = Math.round(Math.sqrt(item * 1337 + order.id) * 100) / 100;
    lines.push({ item, price });
    total += price;
  }
  lines.sort((a, b) => b.price - a.price);
  return { lines, total };
}

function renderReceipt(order, priced) {
  let out = `receipt ${order.id} for ${order.user}\n`;
  for (const line of priced.lines) out += `  item ${line.item}: ${line.price.toFixed(2)}\n`;
  return out + `total ${priced.total.toFixed(2)}\n`;
}

function handleOne(i) {
  const order = parseInput(i);
  const priced = priceItems(order);
  return renderReceipt(order, priced).length;
}

let ops = 0;
let sink = 0;
let running = true;
let lastLogMs = 0;

function workSlice() {
  if (!running) return;
  const end = performance.now() + SLICE_MS;
  while (performance.now() < end) {
    for (let k = 0; k < 20; k++) sink = (sink + handleOne(ops++)) | 0;
  }
  const now = performance.now();
  if (now - lastLogMs >= LOG_EVERY_MS) {
    lastLogMs = now;
    console.log(`served ${ops} requests (checksum ${sink})`);
  }
  setImmediate(workSlice);
}

function measure(windowMs) {
  const startOps = ops;
  const startWall = performance.now();
  const startCpu = process.cpuUsage();
  setTimeout(() => {
    const cpu = process.cpuUsage(startCpu);
    const wallMs = performance.now() - startWall;
    console.log(`ops ${ops - startOps} wall-ms ${wallMs.toFixed(1)} cpu-ms ${((cpu.user + cpu.system) / 1000).toFixed(1)}`);
  }, windowMs);
}

let input = '';
process.stdin.on('data', (chunk) => {
  input += chunk.toString();
  let newline;
  while ((newline = input.indexOf('\n')) >= 0) {
    const line = input.slice(0, newline).trim();
    input = input.slice(newline + 1);
    const match = /^measure (\d+)$/.exec(line);
    if (match) measure(Number(match[1]));
  }
});

process.on('SIGTERM', () => {
  running = false;
  process.stdin.destroy();
});

console.log(`ready ${process.pid}`);
workSlice();
