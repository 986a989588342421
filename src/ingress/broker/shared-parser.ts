import mqttPacket, { type Packet } from 'mqtt-packet';

/** What mqtt-packet's parser reads of its settings (it also replaces them with a CONNECT it parses). */
export interface ParserSettings {
  protocolVersion: number;
}

interface MqttParser {
  settings: ParserSettings;
  readonly error: Error | null;
  readonly _list: { readonly length: number };
  parse(frame: Buffer): number;
}

/** A connection as the parser sees it: where its packets and errors go. */
export interface ParseTarget {
  enqueue(packet: Packet): void;
  malformed(): void;
}

function newParser(settings: ParserSettings, target: () => ParseTarget | undefined): MqttParser {
  const parser = mqttPacket.parser(settings);
  parser.on('packet', (packet: Packet) => target()?.enqueue(packet));
  parser.on('error', () => target()?.malformed());
  return parser as unknown as MqttParser;
}

/**
 * One MQTT parser for every connection. The framer hands it whole packets only, so after each frame
 * it is back in its first state and can serve the next connection: a parser of its own cost each
 * connection ~1.3 KiB (a Duplex buffer list with its stream states, event tables, a packet under
 * construction, and the CONNECT packet, which mqtt-packet keeps as its settings). A frame parsed
 * while another is being handled (a handler that parses; none does today) gets a parser of its own.
 */
let parsing: ParseTarget | undefined;
const fresh = (): MqttParser => newParser({ protocolVersion: 4 }, () => parsing);
let shared = fresh();

export function parseFrame(target: ParseTarget, settings: ParserSettings, frame: Buffer): void {
  if (parsing !== undefined) {
    newParser(settings, () => target).parse(frame);
    return;
  }
  parsing = target;
  shared.settings = settings;
  try {
    shared.parse(frame);
  } finally {
    parsing = undefined;
    // After an error (or a handler that threw) the next connection gets a new parser: mqtt-packet's own
    // reset after an error keeps its read offset, which would misread the next packet.
    if (shared.error !== null || shared._list.length > 0) shared = fresh();
  }
}
