import { createServer, type Server } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { Aedes, type Client, type PublishPacket } from 'aedes';
import type { TestPki } from './test-pki.js';

/** A message a client published, as the broker saw it. */
export interface BrokerPublish {
  readonly topic: string;
  readonly payload: Buffer;
  readonly qos: number;
  readonly clientId: string;
  /** Subject CN of the client's certificate. */
  readonly certCn: string | undefined;
}

export interface TestBroker {
  readonly port: number;
  readonly broker: Aedes;
  /** Publishes to subscribers, as the broker would answer a device. */
  publish(topic: string, payload: Buffer | Uint8Array | string): Promise<void>;
  close(): Promise<void>;
}

export interface TestBrokerOptions {
  readonly pki: TestPki;
  /** Called for every client publish (not for the broker's own `$SYS` messages). */
  readonly onPublish?: (message: BrokerPublish, broker: TestBroker) => void | Promise<void>;
}

/**
 * An Aedes broker behind mutual TLS on 127.0.0.1 and an ephemeral port: clients need a certificate
 * issued by `pki`'s CA.
 */
export async function startTestBroker(options: TestBrokerOptions): Promise<TestBroker> {
  const server = await options.pki.issueServer();
  const broker = await Aedes.createBroker();
  const tls: Server = createServer({ key: server.keyPem, cert: server.certPem, ca: options.pki.caCertPem, requestCert: true, rejectUnauthorized: true }, broker.handle);
  await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
  const handle: TestBroker = {
    port: (tls.address() as AddressInfo).port,
    broker,
    publish: (topic, payload) =>
      new Promise((resolve, reject) =>
        broker.publish({ cmd: 'publish', topic, payload: Buffer.from(payload), qos: 0, retain: false, dup: false }, (error) => (error ? reject(error) : resolve())),
      ),
    async close() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => tls.close(() => resolve()));
    },
  };
  if (options.onPublish !== undefined) {
    const onPublish = options.onPublish;
    broker.on('publish', (packet: PublishPacket, client: Client | null) => {
      if (client === null) return;
      const conn = client.conn as unknown as { getPeerCertificate?: () => { subject?: { CN?: string } } };
      const message: BrokerPublish = { topic: packet.topic, payload: Buffer.from(packet.payload), qos: packet.qos, clientId: client.id, certCn: conn.getPeerCertificate?.().subject?.CN };
      void Promise.resolve(onPublish(message, handle)).catch(() => undefined);
    });
  }
  return handle;
}
