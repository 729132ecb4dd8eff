// A fast loopback HTTP server for the benchmarks: every request gets the same small JSON body.
//
// Usage: node bench/server.js   -> prints "listening <port>" once bound to 127.0.0.1 on a free port.
// The harness reads that line, points both runners at the port, and stops the server with SIGTERM.
// It keeps connections alive and does no per-request work beyond counting, so it is never the
// bottleneck of a run (one Node process answers tens of thousands of requests per second).
'use strict';

const http = require('http');

const BODY = Buffer.from('{"ok":true,"token":"abc123","items":[1,2,3]}');
let served = 0;

const server = http.createServer((req, res) => {
  served += 1;
  // Drain any request body before answering so that keep-alive connections stay usable.
  req.resume();
  req.on('end', () => {
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Content-Length': BODY.length,
      'X-Served': String(served),
    });
    res.end(BODY);
  });
});

server.keepAliveTimeout = 60000;
server.headersTimeout = 65000;

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});

function stop() {
  process.stderr.write(`served ${served}\n`);
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 500).unref();
}

process.on('SIGTERM', stop);
process.on('SIGINT', stop);
