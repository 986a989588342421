/**
 * A hostile TLS client for tests, run as its own process: opens `rate` TLS connections per second
 * from `localAddress` to `host:port` for `seconds`, never presenting a client certificate, and
 * prints one JSON line of counts when done. Usage: tls-flood <host> <port> <localAddress> <rate> <seconds>
 */
import { connect as netConnect } from 'node:net';
import { connect } from 'node:tls';

const [host = '127.0.0.1', portText = '0', localAddress = '127.0.0.2', rateText = '500', secondsText = '20'] = process.argv.slice(2);
const port = Number(portText);
const rate = Number(rateText);
const seconds = Number(secondsText);
const counts = { started: 0, handshakes: 0, refused: 0, open: 0 };
const TICK_MS = 10;
const perTick = (rate * TICK_MS) / 1000;
let due = 0;

function attempt(): void {
  counts.started++;
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

const started = Date.now();
const timer = setInterval(() => {
  due += perTick;
  while (due >= 1) {
    due--;
    attempt();
  }
  if (Date.now() - started >= seconds * 1000) {
    clearInterval(timer);
    const wait = setInterval(() => {
      if (counts.open > 0 && Date.now() - started < (seconds + 20) * 1000) return;
      clearInterval(wait);
      process.stdout.write(`${JSON.stringify({ ...counts, seconds: (Date.now() - started) / 1000 })}\n`);
      process.exit(0);
    }, 100);
  }
}, TICK_MS);
