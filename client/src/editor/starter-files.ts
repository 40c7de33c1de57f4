// The files a lesson's editor starts with, and what "reset to the lesson's version" restores. They
// show how a program reaches the same services as the terminals: each service's address comes in
// an environment variable. consumer.py and producer.py are meant to run at the same time, each in
// its own pane. Until lessons bring their own files, every lesson starts with these.
import type { EditorFile } from './editor-files.ts';

export const STARTER_FILES: readonly EditorFile[] = [
  {
    name: 'hello.py',
    content: `# Talk to the same Redis as the terminal below.
# The playground passes each service's address in an environment variable.
import os

import redis

url = os.environ["REDIS_URL"]
r = redis.Redis.from_url(url, decode_responses=True)

print("PING ->", r.ping())
r.set("greeting", "hello from Python")
print("GET greeting ->", r.get("greeting"))
`,
  },
  {
    name: 'hello.js',
    content: `// Talk to the same Redis as the terminal below.
// The playground passes each service's address in an environment variable.
import { createClient } from 'redis';

const client = createClient({ url: process.env.REDIS_URL });
await client.connect();

console.log('PING ->', await client.ping());
await client.set('greeting', 'hello from JavaScript');
console.log('GET greeting ->', await client.get('greeting'));
await client.quit();
`,
  },
  {
    name: 'consumer.py',
    content: `# A RabbitMQ consumer: it waits on a queue and prints each message as it arrives.
# Run it, then run producer.py: each run gets its own pane, and this one keeps going
# until you press Stop (or Ctrl-C in its pane).
import os

import pika

QUEUE = "tasks"

connection = pika.BlockingConnection(pika.URLParameters(os.environ["AMQP_URL"]))
channel = connection.channel()
# Declaring a queue that exists is harmless, so both programs do it: either may start first.
channel.queue_declare(queue=QUEUE)


def on_message(ch, method, properties, body):
    print("received", body.decode())


# auto_ack: the broker forgets a message once it is delivered (simple, but lost if we crash).
channel.basic_consume(queue=QUEUE, on_message_callback=on_message, auto_ack=True)

print(f"waiting for messages on {QUEUE!r}")
try:
    channel.start_consuming()
except KeyboardInterrupt:
    # Stop sends Ctrl-C, which Python raises here as KeyboardInterrupt.
    print("stopped")
`,
  },
  {
    name: 'producer.py',
    content: `# A RabbitMQ producer: it sends a few messages to the queue consumer.py reads, then ends.
# Start consumer.py first and watch its pane while this one runs.
import os

import pika

QUEUE = "tasks"

connection = pika.BlockingConnection(pika.URLParameters(os.environ["AMQP_URL"]))
channel = connection.channel()
channel.queue_declare(queue=QUEUE)

for n in range(1, 4):
    body = f"message {n}"
    # The default exchange ("") delivers to the queue named by the routing key.
    channel.basic_publish(exchange="", routing_key=QUEUE, body=body)
    print("sent", body)

connection.close()
`,
  },
];

/** Starting files of the lessons loaded so far, by "course/slug" (the lesson view registers them). */
const lessonFiles = new Map<string, readonly EditorFile[]>();

/**
 * Records a lesson's own files (those beside its lesson.md), before the editor opens the lesson.
 * A lesson without any keeps the general examples above, so the editor is never empty.
 */
export function setLessonFiles(lesson: string, files: readonly EditorFile[]): void {
  lessonFiles.set(
    lesson,
    files.map((f) => ({ name: f.name, content: f.content })),
  );
}

/** The files a lesson ("course/slug") starts with (null: no lesson known). */
export function starterFilesFor(lesson: string | null): readonly EditorFile[] {
  const own = lesson === null ? undefined : lessonFiles.get(lesson);
  return own && own.length > 0 ? own : STARTER_FILES;
}
