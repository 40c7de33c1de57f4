// Every service the playground runs, in the order the page shows them. A fifth service is a folder
// beside these and one more entry in SERVICES; nothing else names a service.
import { memcached } from './memcached/index.ts';
import { mysql } from './mysql/index.ts';
import { rabbitmq } from './rabbitmq/index.ts';
import { redis } from './redis/index.ts';
import { ServiceSet } from './service-set.ts';

export const SERVICES = new ServiceSet([memcached, redis, rabbitmq, mysql]);
