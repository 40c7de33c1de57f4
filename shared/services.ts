// The four services the playground teaches, in the order the UI shows them.
export const SERVICE_NAMES = ['memcached', 'redis', 'rabbitmq', 'mysql'] as const;

export type ServiceName = (typeof SERVICE_NAMES)[number];

export const SERVICE_TITLES: Record<ServiceName, string> = {
  memcached: 'memcached',
  redis: 'Redis',
  rabbitmq: 'RabbitMQ',
  mysql: 'MySQL',
};

export function isServiceName(value: string): value is ServiceName {
  return (SERVICE_NAMES as readonly string[]).includes(value);
}
