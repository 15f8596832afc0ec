// A small HTTP service to record as a first target: a CPU-heavy route, an allocation-heavy route,
// request logs, and `--self-load` to send itself traffic. No dependencies: `node examples/http-service.js`.
import http from 'node:http';

const HOST = '127.0.0.1';
const PORT = Number(process.env.PORT ?? 3000);
const SELF_LOAD = process.argv.includes('--self-load');
const SELF_LOAD_PER_SEC = 20;
const SELF_LOAD_MAX_IN_FLIGHT = 4;

const REGIONS = ['north', 'south', 'east', 'west', 'central'];
const PRODUCTS = ['anvil', 'bellows', 'chisel', 'dowel', 'easel', 'file', 'gimlet', 'hammer', 'iron', 'jig'];

/** Deterministic pseudo-random numbers, so every report does the same amount of work. */
function seededRandom(seed) {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

function escapeHtml(text) {
  return text.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));
}

/**
 * The hot path: builds a sales report (rows, totals per region and product, a sorted top list,
 * an HTML table, a JSON summary and a checksum) in about 20-50 ms. It is deliberately one large
 * function: V8 only inlines small functions, so this one keeps its own frame in profiles.
 */
function renderReport(seed, rowCount) {
  const random = seededRandom(seed);
  const rows = [];
  for (let i = 0; i < rowCount; i++) {
    const quantity = 1 + Math.floor(random() * 20);
    const unitPrice = Math.round(random() * 10_000) / 100;
    rows.push({
      id: `order-${seed}-${i}`,
      region: REGIONS[Math.floor(random() * REGIONS.length)],
      product: PRODUCTS[Math.floor(random() * PRODUCTS.length)],
      quantity,
      unitPrice,
      revenue: quantity * unitPrice,
      placedAt: new Date(1_700_000_000_000 + Math.floor(random() * 86_400_000 * 30)).toISOString(),
    });
  }

  const byRegion = new Map();
  const byProduct = new Map();
  let grandTotal = 0;
  for (const row of rows) {
    const region = byRegion.get(row.region) ?? { region: row.region, orders: 0, revenue: 0 };
    region.orders += 1;
    region.revenue += row.revenue;
    byRegion.set(row.region, region);
    const product = byProduct.get(row.product) ?? { product: row.product, units: 0, revenue: 0 };
    product.units += row.quantity;
    product.revenue += row.revenue;
    byProduct.set(row.product, product);
    grandTotal += row.revenue;
  }

  const ranked = rows.slice().sort((a, b) => b.revenue - a.revenue || (a.id < b.id ? -1 : 1));
  const top = ranked.slice(0, 200);

  let html = '<table><thead><tr><th>Order</th><th>Region</th><th>Product</th><th>Qty</th><th>Revenue</th><th>Placed</th></tr></thead><tbody>';
  for (const row of ranked) {
    html +=
      `<tr><td>${escapeHtml(row.id)}</td><td>${row.region}</td><td>${row.product}</td>` +
      `<td>${row.quantity}</td><td>${row.revenue.toFixed(2)}</td><td>${row.placedAt.slice(0, 10)}</td></tr>`;
  }
  html += '</tbody></table>';

  const summary = JSON.stringify({
    seed,
    orders: rows.length,
    grandTotal: Math.round(grandTotal * 100) / 100,
    regions: [...byRegion.values()].sort((a, b) => b.revenue - a.revenue),
    products: [...byProduct.values()].sort((a, b) => b.revenue - a.revenue),
    top,
  });

  // A checksum over everything rendered, so none of the work above can be skipped.
  let checksum = 0;
  for (let i = 0; i < html.length; i++) checksum = (Math.imul(checksum, 31) + html.charCodeAt(i)) | 0;
  for (let i = 0; i < summary.length; i++) checksum = (Math.imul(checksum, 31) + summary.charCodeAt(i)) | 0;

  return { summary, htmlBytes: html.length, checksum };
}

// Bounded cache for /alloc: the heap grows until it is full, then old entries become garbage.
const CACHE_LIMIT = 64;
const cache = new Map();

/** Allocation-heavy: builds many short-lived objects and arrays, and keeps the last few results. */
function buildSnapshot(key) {
  const events = [];
  for (let i = 0; i < 15_000; i++) {
    events.push({ key, index: i, tags: [`t${i % 7}`, `t${i % 11}`], payload: { value: i * 1.5, label: `event ${i}` } });
  }
  const grouped = {};
  for (const event of events) {
    const tag = event.tags[0];
    (grouped[tag] ??= []).push(event.payload.value);
  }
  const kept = new Float64Array(50_000).map((_, i) => i / 3);
  cache.set(key, { grouped, kept, at: Date.now() });
  if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value);
  return { key, events: events.length, groups: Object.keys(grouped).length, cached: cache.size };
}

let requestCount = 0;

function handle(req, res) {
  const startedMs = performance.now();
  const url = new URL(req.url ?? '/', `http://${HOST}`);
  requestCount++;
  let status = 200;
  let body;
  let type = 'application/json';
  if (url.pathname === '/hot') {
    if (requestCount % 97 === 0) {
      // An occasional failure, so a recording has an error to find.
      status = 503;
      body = JSON.stringify({ error: 'report backend busy, retry' });
    } else {
      const seed = Number(url.searchParams.get('seed') ?? requestCount);
      const report = renderReport(seed, 6000);
      body = JSON.stringify({ checksum: report.checksum, htmlBytes: report.htmlBytes, summaryBytes: report.summary.length });
    }
  } else if (url.pathname === '/alloc') {
    body = JSON.stringify(buildSnapshot(`snapshot-${requestCount}`));
  } else if (url.pathname === '/') {
    type = 'text/plain';
    body = [
      'Parallax example service',
      '  GET /hot    CPU-heavy: renders a sales report (renderReport, ~20-50 ms)',
      '  GET /alloc  allocation-heavy: builds many objects, keeps a bounded cache',
      '  GET /       this list',
      '',
    ].join('\n');
  } else {
    status = 404;
    body = JSON.stringify({ error: `no route ${url.pathname}` });
  }
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
  const line = `${req.method} ${url.pathname} ${status} ${(performance.now() - startedMs).toFixed(1)} ms`;
  if (status >= 500) console.error(line);
  else if (status >= 400) console.warn(line);
  else console.log(line);
}

/** Sends this service a steady mix of /hot and /alloc, skipping a beat when requests pile up. */
function startSelfLoad() {
  const agent = new http.Agent({ keepAlive: true, maxSockets: SELF_LOAD_MAX_IN_FLIGHT });
  let inFlight = 0;
  let sent = 0;
  const timer = setInterval(() => {
    if (inFlight >= SELF_LOAD_MAX_IN_FLIGHT) return;
    inFlight++;
    const path = sent++ % 5 < 3 ? '/hot' : '/alloc';
    const request = http.get({ host: HOST, port: PORT, path, agent }, (res) => {
      res.resume();
      res.on('end', () => inFlight--);
    });
    request.on('error', (error) => {
      inFlight--;
      console.error(`self-load: ${path} failed: ${error.message}`);
    });
  }, 1000 / SELF_LOAD_PER_SEC);
  return () => {
    clearInterval(timer);
    agent.destroy();
  };
}

const server = http.createServer(handle);
let stopSelfLoad = () => {};
server.listen(PORT, HOST, () => {
  console.log(`listening on http://${HOST}:${PORT} (pid ${process.pid})`);
  if (SELF_LOAD) {
    stopSelfLoad = startSelfLoad();
    console.log(`self-load: ${SELF_LOAD_PER_SEC} req/s, 3 of 5 to /hot, 2 of 5 to /alloc`);
  }
});
server.on('error', (error) => {
  console.error(`cannot listen on ${HOST}:${PORT}: ${error.message}`);
  process.exitCode = 1;
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    stopSelfLoad();
    server.close();
    server.closeAllConnections();
  });
}
