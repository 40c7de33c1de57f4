// The MySQL protocol, decoded for the trace ("show the wire"): ServiceAdapter.decode of the MySQL
// folder. The decoder is wire-decoder.ts (with the packets it reads in wire-packets.ts,
// wire-login.ts, wire-commands.ts, wire-replies.ts and wire-resultset.ts); the hints beside error
// replies are wire-explain.ts, which the terminal shares (terminal-hints.ts).
import type { WireProtocol } from '../wire-types.ts';
import { MysqlDecoder } from './wire-decoder.ts';
import { explainMysql } from './wire-explain.ts';

export const mysqlWire: WireProtocol = {
  name: 'MySQL protocol',
  decoder: () => new MysqlDecoder(),
  explain: explainMysql,
};
