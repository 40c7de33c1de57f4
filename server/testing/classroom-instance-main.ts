// One classroom instance on shared backends (classroom-instances.ts) as a process of its own, so a
// test or a bench can kill it with SIGKILL as a machine that dies would go: started by
// startInstanceProcess (classroom-instance-process.ts), which passes the backends as JSON in
// CLASSROOM_INSTANCE. It prints one line when it serves, and stops in order on SIGTERM.
import { startClassroomInstance, type SharedBackends } from './classroom-instances.ts';

const given = JSON.parse(process.env.CLASSROOM_INSTANCE ?? 'null') as { name: string; backends: SharedBackends } | null;
if (!given) throw new Error('CLASSROOM_INSTANCE is not set: start this through startInstanceProcess');

const instance = await startClassroomInstance(given.name, given.backends, { log: (line) => console.log(line) });
console.log(`instance ${given.name} serves at ${instance.baseUrl} from ${instance.dataDir}`);
process.once('SIGTERM', () => {
  void instance.stop().then(() => process.exit(0));
});
