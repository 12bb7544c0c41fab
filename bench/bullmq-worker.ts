// The dispatch benchmark's baseline worker: a bare BullMQ worker in a process of its own, as a
// queue's consumer is deployed apart from its producer. Its processor appends the job's id to
// the stream <done-key>, which the producer reads with a blocked XREAD, as a client reads a
// task's `task_started`. It reports over IPC once each job is finished, so that the next job
// finds the worker idle. Usage: node bullmq-worker.js <redis-url> <queue> <done-key>
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';

const [url = '', queueName = '', doneKey = ''] = process.argv.slice(2);
const connection = new Redis(url, { maxRetriesPerRequest: null });
const writer = new Redis(url);
const worker = new Worker(
  queueName,
  async (job) => {
    await writer.xadd(doneKey, '*', 'job', job.id ?? '');
  },
  { connection },
);
worker.on('completed', (job) => process.send?.({ completed: job.id }));
void worker.waitUntilReady().then(() => process.send?.({ ready: true }));
process.once('disconnect', () => {
  void worker.close().then(() => {
    connection.disconnect();
    writer.disconnect();
    process.exit(0);
  });
});
