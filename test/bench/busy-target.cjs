// Benchmark target: a busy Node program to attach to. Prints `ready <pid>`, then calls the named
// function `spinWork` (about 10 ms of arithmetic per call) in a loop, yielding to the event loop
// between calls; logs a line every 250 ms; exits on SIGTERM.
'use strict';

function spinWork(sliceMs) {
  const end = Date.now() + sliceMs;
  let x = 0;
  while (Date.now() < end) {
    for (let i = 0; i < 10_000; i++) x = (x + Math.sqrt(i * 7.3)) % 1e9;
  }
  return x;
}

let running = true;
let ticks = 0;
const ticker = setInterval(() => console.log(`tick ${++ticks}`), 250);

function loop() {
  if (!running) return;
  spinWork(10);
  setImmediate(loop);
}

process.on('SIGTERM', () => {
  running = false;
  clearInterval(ticker);
});

console.log(`ready ${process.pid}`);
loop();
