// The dispatch benchmark's baseline worker: a bare BullMQ worker in a process of its own, as a
// queue's consumer is deployed apart from its producer. For each job it reports, over IPC, the
// wall-clock time at which its processor ran, and then that the job is finished, so that the
// next job finds the worker idle. Usage: node bullmq-worker.js <redis-url> <queue>
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';

const [url = '', queueName = ''] = process.argv.slice(2);
const connection = new Redis(url, { maxRetriesPerRequest: null });
const worker = new Worker(
  queueName,
  async (job) => {
    process.send?.({ jobId: job.id, at: performance.timeOrigin + performance.now() });
  },
  { connection },
);
worker.on('completed', (job) => process.send?.({ completed: job.id }));
void worker.waitUntilReady().then(() => process.send?.({ ready: true }));
process.once('disconnect', () => {
  void worker.close().then(() => {
    connection.disconnect();
    process.exit(0);
  });
});
