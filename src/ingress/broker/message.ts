import type { IPublishPacket, UserProperties } from 'mqtt-packet';

/** The MQTT 5 properties a message carries from its publisher to its subscribers (§3.3.2.3). */
export interface MessageProperties {
  readonly payloadFormatIndicator?: boolean;
  readonly contentType?: string;
  readonly responseTopic?: string;
  readonly correlationData?: Buffer;
  readonly userProperties?: UserProperties;
}

/** An application message inside the broker. */
export interface Message {
  readonly topic: string;
  readonly payload: Buffer;
  readonly qos: 0 | 1;
  /** Hooks may clear it (reserved topics are never retained). */
  retain: boolean;
  readonly properties: MessageProperties;
  /** Clock time (ms) after which the message is not delivered (Message Expiry Interval). */
  readonly expiresAt?: number;
}

/** v5 reason codes the broker sends (MQTT 5.0 §2.4). 3.1.1 has none: its answers are mapped or the connection closes. */
export const ReasonCode = {
  success: 0x00,
  grantedQos1: 0x01,
  noMatchingSubscribers: 0x10,
  noSubscriptionExisted: 0x11,
  unspecifiedError: 0x80,
  malformedPacket: 0x81,
  protocolError: 0x82,
  implementationSpecificError: 0x83,
  unsupportedProtocolVersion: 0x84,
  clientIdentifierNotValid: 0x85,
  notAuthorized: 0x87,
  serverUnavailable: 0x88,
  serverBusy: 0x89,
  serverShuttingDown: 0x8b,
  keepAliveTimeout: 0x8d,
  sessionTakenOver: 0x8e,
  topicFilterInvalid: 0x8f,
  topicNameInvalid: 0x90,
  receiveMaximumExceeded: 0x93,
  topicAliasInvalid: 0x94,
  packetTooLarge: 0x95,
  administrativeAction: 0x98,
  payloadFormatInvalid: 0x99,
  qosNotSupported: 0x9b,
  sharedSubscriptionsNotSupported: 0x9e,
} as const;

/** MQTT 3.1.1 CONNACK return code for a v5 CONNACK reason (§3.2.2.3). */
export function connackReturnCode(reason: number): number {
  switch (reason) {
    case ReasonCode.success:
      return 0;
    case ReasonCode.unsupportedProtocolVersion:
      return 1;
    case ReasonCode.clientIdentifierNotValid:
      return 2;
    case ReasonCode.serverUnavailable:
    case ReasonCode.serverBusy:
      return 3;
    case 0x86:
      return 4;
    default:
      return 5;
  }
}

/** Shared by every message without properties (the common case, and every 3.1.1 message). */
export const NO_PROPERTIES: MessageProperties = Object.freeze({});

/** The message a PUBLISH (or a will) carries, with its expiry turned into clock time. */
export function messageOf(packet: Pick<IPublishPacket, 'topic' | 'payload' | 'qos' | 'retain' | 'properties'>, now: number): Message {
  const p = packet.properties;
  const properties: MessageProperties =
    p === undefined || (p.payloadFormatIndicator === undefined && p.contentType === undefined && p.responseTopic === undefined && p.correlationData === undefined && p.userProperties === undefined)
      ? NO_PROPERTIES
      : {
          ...(p.payloadFormatIndicator === undefined ? {} : { payloadFormatIndicator: p.payloadFormatIndicator }),
          ...(p.contentType === undefined ? {} : { contentType: p.contentType }),
          ...(p.responseTopic === undefined ? {} : { responseTopic: p.responseTopic }),
          ...(p.correlationData === undefined ? {} : { correlationData: p.correlationData }),
          ...(p.userProperties === undefined ? {} : { userProperties: p.userProperties }),
        };
  const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
  const expiry = p?.messageExpiryInterval;
  return { topic: packet.topic, payload, qos: packet.qos === 0 ? 0 : 1, retain: packet.retain, properties, ...(expiry === undefined ? {} : { expiresAt: now + expiry * 1000 }) };
}
