// How RabbitMQ routes a message, evaluated from the bindings instead of by publishing one: a
// test message would land in the learner's queue (or reach their consumer) and change what they
// see. Direct, fanout and topic exchanges, and exchange-to-exchange bindings.

export interface Binding {
  source: string;
  destination: string;
  destinationKind: 'queue' | 'exchange';
  routingKey: string;
}

/**
 * AMQP topic matching: words are separated by dots, `*` stands for exactly one word and `#` for
 * zero or more.
 */
export function topicMatches(pattern: string, routingKey: string): boolean {
  const p = pattern === '' ? [] : pattern.split('.');
  const k = routingKey === '' ? [] : routingKey.split('.');
  const memo = new Map<string, boolean>();
  const match = (i: number, j: number): boolean => {
    const id = `${i},${j}`;
    const known = memo.get(id);
    if (known !== undefined) return known;
    let result: boolean;
    if (i === p.length) result = j === k.length;
    else if (p[i] === '#') result = match(i + 1, j) || (j < k.length && match(i, j + 1));
    else result = j < k.length && (p[i] === '*' || p[i] === k[j]) && match(i + 1, j + 1);
    memo.set(id, result);
    return result;
  };
  return match(0, 0);
}

export class UnsupportedExchange extends Error {}

/** Whether a binding with `bindingKey` on an exchange of `type` takes a message with `routingKey`. */
export function bindingMatches(type: string, bindingKey: string, routingKey: string): boolean {
  assertSupported(type);
  switch (type) {
    case 'fanout':
      return true;
    case 'direct':
      return bindingKey === routingKey;
    case 'topic':
      return topicMatches(bindingKey, routingKey);
    default:
      return false;
  }
}

const SUPPORTED = ['direct', 'fanout', 'topic'];

function assertSupported(type: string): void {
  if (!SUPPORTED.includes(type)) {
    throw new UnsupportedExchange(
      `a ${type} exchange routes by more than the routing key; routes checks cover direct, fanout and topic exchanges`,
    );
  }
}

/**
 * Whether a message published to `exchange` with `routingKey` reaches `queue`. `typeOf` answers
 * an exchange's type (it is asked only for exchanges that are reached). The default exchange ("")
 * routes to the queue named by the key.
 */
export async function routesTo(
  bindings: Binding[],
  typeOf: (exchange: string) => Promise<string>,
  exchange: string,
  routingKey: string,
  queue: string,
): Promise<boolean> {
  const visited = new Set<string>();
  const reaches = async (x: string): Promise<boolean> => {
    if (visited.has(x)) return false;
    visited.add(x);
    if (x === '') return routingKey === queue;
    const type = await typeOf(x);
    assertSupported(type);
    for (const b of bindings) {
      if (b.source !== x || !bindingMatches(type, b.routingKey, routingKey)) continue;
      if (b.destinationKind === 'queue' && b.destination === queue) return true;
      if (b.destinationKind === 'exchange' && (await reaches(b.destination))) return true;
    }
    return false;
  };
  return reaches(exchange);
}
