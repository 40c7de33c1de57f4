// The hint rows that belong to no one service: Python 2 code on Python 3, and a connection that
// failed in a way no client library's own row reads (Node's socket errors, Python's bare ones).
// The services' rows come first (hints.ts): they know the address and the library better.
import { addressHint, servicesHere, type HintRow } from '../services/hint-types.ts';

/** Python 2 modules and their Python 3 names. */
const PY2_MODULES: Record<string, string> = {
  Queue: 'queue',
  urllib2: 'urllib.request',
  urlparse: 'urllib.parse',
  ConfigParser: 'configparser',
  cPickle: 'pickle',
  StringIO: 'io (io.StringIO)',
  cStringIO: 'io (io.StringIO)',
  SocketServer: 'socketserver',
  httplib: 'http.client',
  HTMLParser: 'html.parser',
  xmlrpclib: 'xmlrpc.client',
  Tkinter: 'tkinter',
  thread: '_thread (or threading)',
};

/** Python 2 builtins and what Python 3 has instead. */
const PY2_NAMES: Record<string, string> = {
  raw_input: 'input()',
  xrange: 'range()',
  unicode: 'str',
  basestring: 'str',
  long: 'int',
  unichr: 'chr()',
  reduce: 'functools.reduce()',
  execfile: 'exec(open(path).read())',
};

const PY2_DICT: Record<string, string> = {
  has_key: 'key in d',
  iteritems: 'd.items()',
  iterkeys: 'd.keys()',
  itervalues: 'd.values()',
};

const words = (table: Record<string, string>) => Object.keys(table).join('|');

export const GENERIC_HINT_ROWS: HintRow[] = [
  {
    id: 'python2-print',
    line: /^SyntaxError: Missing parentheses in call to 'print'/,
    hint: () => "this is Python 2 code, and runs here on Python 3: print is a function, print('hello')",
    fixture: {
      language: 'python',
      output: [
        "    print 'hello'",
        '    ^^^^^^^^^^^^^',
        "SyntaxError: Missing parentheses in call to 'print'. Did you mean print(...)?",
      ].join('\n'),
      says: "print('hello')",
    },
  },
  {
    id: 'python2-except',
    line: /^SyntaxError: multiple exception types must be parenthesized/,
    hint: () => 'this is Python 2 code, and runs here on Python 3: write except Exception as e:',
    fixture: {
      language: 'python',
      output: [
        '    except Exception, e:',
        '           ^^^^^^^^^^^^',
        'SyntaxError: multiple exception types must be parenthesized',
      ].join('\n'),
      says: 'except Exception as e:',
    },
  },
  {
    id: 'python2-module',
    line: new RegExp(`^ModuleNotFoundError: No module named '(${words(PY2_MODULES)})'`),
    hint: (m) => `${m[1]} is Python 2's name; on Python 3 (here) it is ${PY2_MODULES[m[1]]}`,
    fixture: {
      language: 'python',
      output: ['    import Queue', "ModuleNotFoundError: No module named 'Queue'"].join('\n'),
      says: 'it is queue',
    },
  },
  {
    id: 'python2-builtin',
    line: new RegExp(`^NameError: name '(${words(PY2_NAMES)})' is not defined`),
    hint: (m) => `${m[1]} is Python 2; on Python 3 (here) use ${PY2_NAMES[m[1]]}`,
    fixture: {
      language: 'python',
      output: [
        "    name = raw_input('name? ')",
        '           ^^^^^^^^^',
        "NameError: name 'raw_input' is not defined",
      ].join('\n'),
      says: 'use input()',
    },
  },
  {
    id: 'python2-dict',
    line: new RegExp(`^AttributeError: 'dict' object has no attribute '(${words(PY2_DICT)})'`),
    hint: (m) => `d.${m[1]}() is Python 2; on Python 3 (here) write ${PY2_DICT[m[1]]}`,
    fixture: {
      language: 'python',
      output: [
        "    print(d.has_key('a'))",
        '          ^^^^^^^^^',
        "AttributeError: 'dict' object has no attribute 'has_key'",
      ].join('\n'),
      says: 'key in d',
    },
  },
  {
    id: 'node-connect',
    line: /\b(?:connect|getaddrinfo) (?:ECONNREFUSED|ENETUNREACH|EHOSTUNREACH|ETIMEDOUT|ENOTFOUND|EAI_AGAIN) (\[[^\]]+\]|[^\s:]+)(?::(\d+))?/,
    hint: (m, ctx) => addressHint(ctx, m[1].replace(/^\[|\]$/g, ''), m[2] ? Number(m[2]) : null),
    fixture: {
      language: 'javascript',
      output: [
        '[ioredis] Unhandled error event: Error: connect ENETUNREACH 192.168.1.1:6379 - Local (0.0.0.0:0)',
        '    at internalConnect (node:net:1098:16)',
      ].join('\n'),
      says: 'the code connects to 192.168.1.1:6379, which is not your Redis here: use localhost:6379 (your own Redis) or process.env.REDIS_URL',
    },
  },
  {
    // Python's own socket errors carry no address: said last, when no library's row said more.
    id: 'python-socket',
    line: /^(?:ConnectionRefusedError|OSError|TimeoutError|socket\.gaierror): \[Errno (?:111|101|113|110|-2|-3)\]/,
    hint: (_m, ctx) =>
      `the connection failed, and none of your services answers at the address in the code: here they answer on ${servicesHere(ctx)}`,
    fixture: {
      language: 'python',
      output: ['    sock.connect(sa)', 'ConnectionRefusedError: [Errno 111] Connection refused'].join('\n'),
      says: 'here they answer on localhost:11211 (memcached), localhost:6379 (Redis)',
    },
  },
];
