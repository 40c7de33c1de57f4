// The files the editor starts with. Running them arrives with the snippet runner; until then they
// show how a program reaches the same services as the terminals (their URLs come in env vars).

export interface StarterFile {
  name: string;
  language: 'python' | 'javascript';
  content: string;
}

export const STARTER_FILES: readonly StarterFile[] = [
  {
    name: 'hello.py',
    language: 'python',
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
    language: 'javascript',
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
];
