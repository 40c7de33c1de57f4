import { describe, expect, it } from 'vitest';
import { parseClientMessage } from './socket-session.ts';

function error(text: string): string {
  const parsed = parseClientMessage(text);
  if (!('error' in parsed)) throw new Error(`expected an error for ${text}`);
  return parsed.error;
}

describe('parseClientMessage', () => {
  it('parses a valid message', () => {
    expect(parseClientMessage('{"type":"input","id":"a","data":"PING\\r"}')).toEqual({
      message: { type: 'input', id: 'a', data: 'PING\r' },
    });
  });

  it('says what is wrong with each kind of bad frame', () => {
    expect(error('{nope')).toMatch(/^invalid JSON: /);
    expect(error('[1,2]')).toBe('a message must be a JSON object with a "type"');
    expect(error('"open"')).toBe('a message must be a JSON object with a "type"');
    expect(error('{"type":"fly","id":"a"}')).toBe(
      'unknown message type "fly"; expected one of open, input, resize, signal, close, pause, resume, reattach',
    );
    // Which services exist is the server's registry's business (SocketSession.open); the frame
    // only has to name one in the form of a service id.
    expect(error('{"type":"open","id":"a","kind":"terminal","service":"Mongo DB"}')).toBe(
      'bad open message: "service": a service name such as "redis"',
    );
    expect(error('{"type":"open","id":"a","kind":"shell","service":"redis"}')).toBe(
      'unknown kind "shell"; expected "terminal", "run" or "inspect"',
    );
    expect(error('{"type":"input","id":"a","data":5}')).toMatch(/^bad input message: "data": /);
    expect(error('{"type":"resize","id":"a","cols":-1,"rows":2}')).toMatch(/^bad resize message: "cols": /);
  });

  it('refuses a run whose files share a name, the main one included', () => {
    const run = (files: string) =>
      `{"type":"open","id":"r","kind":"run","language":"python","code":"","name":"app.py","files":${files}}`;
    expect(error(run('[{"name":"app.py","content":""}]'))).toBe(
      'bad open message: "files": two files are named "app.py"',
    );
    expect(parseClientMessage(run('[{"name":"lib.py","content":""}]'))).toHaveProperty('message');
  });

  it('keeps the id of a bad message so the client can route the error', () => {
    expect(parseClientMessage('{"type":"input","id":"t9"}')).toMatchObject({ id: 't9' });
  });
});
