// Every service the playground runs, in the order of SERVICE_NAMES.
import { memcached } from './memcached/index.ts';
import { mysql } from './mysql/index.ts';
import { rabbitmq } from './rabbitmq/index.ts';
import { redis } from './redis/index.ts';
import type { ServiceAdapter } from './types.ts';

export const ADAPTERS: ServiceAdapter[] = [memcached, redis, rabbitmq, mysql];
