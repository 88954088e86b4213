#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// tests/integration/http-server.js - a real local HTTP server for the
// health-check tests. Built-in modules only (no npm packages).
//
// Binds 127.0.0.1 on a free port and prints "PORT <n>" on stdout once it
// listens. Stops on SIGTERM/SIGINT, or by itself after --lifetime seconds
// (default 300) so a lost test can never leave it running. With
// --tls KEY CERT it also serves the same endpoints over https on another
// free port, printed as "TLSPORT <n>" (before "PORT").
//
// Endpoints (every request carrying ?client=ID is counted for that ID):
//   /healthy            200 {"status":"healthy","database":{"connected":true},"version":3}
//   /failing            500 {"status":"unhealthy"}
//   /wrong-json         200 {"status":"degraded","database":{"connected":false}}
//   /not-json           200 an HTML page
//   /slow?ms=N          waits N ms (default 10000), then answers like /healthy
//   /flapping?client=ID&fail=N
//                       503 for the first N requests of ID (default 2), then /healthy
//   /huge               200, 2 MiB of JSON with a Content-Length
//   /huge-chunked       200, 2 MiB of JSON, chunked (no length known up front)
//   /redirect-file      302 to file:///etc/passwd
//   /redirect-ftp       302 to ftp://127.0.0.1/health
//   /redirect-healthy   302 to /healthy
//   /status/N           status N, empty JSON object
//   /count?client=ID    200 {"count": <requests of ID so far, this one excluded>}
'use strict';

const fs = require('fs');
const http = require('http');
const https = require('https');

const counts = new Map();
let lifetime = 300;
let tls = null;
for (let i = 2; i < process.argv.length; i++) {
    if (process.argv[i] === '--lifetime') lifetime = Number(process.argv[++i]);
    else if (process.argv[i] === '--tls') {
        tls = {key: fs.readFileSync(process.argv[i + 1]), cert: fs.readFileSync(process.argv[i + 2])};
        i += 2;
    }
}

const HEALTHY = JSON.stringify({status: 'healthy', database: {connected: true}, version: 3});

function send(res, status, body, type) {
    res.writeHead(status, {'Content-Type': type || 'application/json',
                           'Content-Length': Buffer.byteLength(body)});
    res.end(body);
}

function hugeBody() {
    const filler = 'x'.repeat(2 * 1024 * 1024);
    return JSON.stringify({status: 'healthy', filler});
}

function handle(req, res) {
    const url = new URL(req.url, 'http://127.0.0.1');
    const client = url.searchParams.get('client');
    const path = url.pathname;

    if (path === '/count') {
        send(res, 200, JSON.stringify({count: counts.get(client) || 0}));
        return;
    }
    let seen = 0;
    if (client) {
        seen = (counts.get(client) || 0) + 1;
        counts.set(client, seen);
    }
    switch (path) {
    case '/healthy':
        send(res, 200, HEALTHY);
        return;
    case '/failing':
        send(res, 500, JSON.stringify({status: 'unhealthy'}));
        return;
    case '/wrong-json':
        send(res, 200, JSON.stringify({status: 'degraded', database: {connected: false}}));
        return;
    case '/not-json':
        send(res, 200, '<html><body>It works</body></html>\n', 'text/html');
        return;
    case '/slow': {
        const ms = Number(url.searchParams.get('ms') || 10000);
        const t = setTimeout(() => send(res, 200, HEALTHY), ms);
        res.on('close', () => clearTimeout(t));
        return;
    }
    case '/flapping': {
        const fail = Number(url.searchParams.get('fail') || 2);
        if (seen <= fail)
            send(res, 503, JSON.stringify({status: 'starting', attempt: seen}));
        else
            send(res, 200, HEALTHY);
        return;
    }
    case '/huge':
        send(res, 200, hugeBody());
        return;
    case '/huge-chunked': {
        res.writeHead(200, {'Content-Type': 'application/json'});
        const body = hugeBody();
        for (let off = 0; off < body.length; off += 65536)
            res.write(body.slice(off, off + 65536));
        res.end();
        return;
    }
    case '/redirect-file':
        res.writeHead(302, {'Location': 'file:///etc/passwd', 'Content-Length': 0});
        res.end();
        return;
    case '/redirect-ftp':
        res.writeHead(302, {'Location': 'ftp://127.0.0.1/health', 'Content-Length': 0});
        res.end();
        return;
    case '/redirect-healthy':
        res.writeHead(302, {'Location': '/healthy', 'Content-Length': 0});
        res.end();
        return;
    default:
        if (path.startsWith('/status/')) {
            send(res, Number(path.slice(8)) || 500, '{}');
            return;
        }
        send(res, 404, JSON.stringify({error: 'no such endpoint', path}));
    }
}

const server = http.createServer(handle);
const tlsServer = tls ? https.createServer(tls, handle) : null;

function stop() {
    server.close();
    if (tlsServer) tlsServer.close();
    process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
setTimeout(stop, lifetime * 1000).unref();

function listenPlain() {
    server.listen(0, '127.0.0.1', () => {
        process.stdout.write(`PORT ${server.address().port}\n`);
    });
}
if (tlsServer) {
    tlsServer.listen(0, '127.0.0.1', () => {
        process.stdout.write(`TLSPORT ${tlsServer.address().port}\n`);
        listenPlain();
    });
} else {
    listenPlain();
}
