/**
 * A hostile TLS client for tests, run as its own process: opens `rate` TLS connections per second
 * from `localAddress` to `host:port` for `seconds`, never presenting a client certificate, and
 * prints one JSON line of counts when done. Usage: tls-flood <host> <port> <localAddress> <rate> <seconds>
 *
 * Paced by the clock, not by timer ticks: each tick opens as many connections as are due since the
 * start (a late tick catches up), so a busy box delays connections but does not drop them from the
 * rate. `perSecond` lists the connections opened in each second of the flood.
 */
import { connect as netConnect } from 'node:net';
import { connect } from 'node:tls';

const [host = '127.0.0.1', portText = '0', localAddress = '127.0.0.2', rateText = '500', secondsText = '20'] = process.argv.slice(2);
const port = Number(portText);
const rate = Number(rateText);
const seconds = Number(secondsText);
const counts = { started: 0, handshakes: 0, refused: 0, open: 0 };
const TICK_MS = 5;
const total = Math.round(rate * seconds);
const perSecond: number[] = [];

function attempt(second: number): void {
  counts.started++;
  perSecond[second] = (perSecond[second] ?? 0) + 1;
  counts.open++;
  const tcp = netConnect({ host, port, localAddress });
  tcp.on('error', () => undefined);
  const socket = connect({ socket: tcp, rejectUnauthorized: false, servername: 'localhost' });
  let done = false;
  const finish = (handshake: boolean): void => {
    if (done) return;
    done = true;
    if (handshake) counts.handshakes++;
    else counts.refused++;
    socket.destroy();
  };
  socket.once('secureConnect', () => finish(true));
  socket.once('error', () => finish(false));
  socket.once('close', () => {
    finish(false);
    counts.open--;
  });
  socket.setTimeout(15_000, () => finish(false));
}

const started = performance.now();
const timer = setInterval(() => {
  const elapsed = performance.now() - started;
  const due = Math.min(total, Math.floor((rate * elapsed) / 1000));
  const second = Math.min(seconds - 1, Math.floor(elapsed / 1000));
  while (counts.started < due) attempt(second);
  if (counts.started < total) return;
  clearInterval(timer);
  const floodSeconds = elapsed / 1000;
  const wait = setInterval(() => {
    if (counts.open > 0 && performance.now() - started < (seconds + 20) * 1000) return;
    clearInterval(wait);
    process.stdout.write(`${JSON.stringify({ started: counts.started, handshakes: counts.handshakes, refused: counts.refused, floodSeconds, seconds: (performance.now() - started) / 1000, perSecond })}\n`);
    process.exit(0);
  }, 100);
}, TICK_MS);
