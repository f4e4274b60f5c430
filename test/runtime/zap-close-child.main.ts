/**
 * Child program for the ZAP shutdown test (not a test file itself). `rounds` times: starts a ZAP handler
 * and a CURVE server, connects allowlisted clients (each server session then holds a pipe to the
 * handler), and closes the server and then the handler at once, the order of a driver's or worker's
 * shutdown: the handler's socket gets the pipe terminations while it closes. The next round binds the
 * ZAP endpoint again at once. Prints `{ rounds, allowed }` as one JSON line. A libzmq assertion aborts
 * this process: the test sees a signal instead of a dead mocha process.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Dealer, Router } from 'zeromq';
import { generateKeyPair, startZapHandler, useCurveClient, useCurveServer } from '../../lib/runtime/security.js';

const rounds = Number(process.argv[2] ?? 20);
const MEMBERS = 30;
let allowed = 0;
for (let round = 0; round < rounds; round++) {
  const server = generateKeyPair();
  const member = generateKeyPair();
  const zap = await startZapHandler([member.publicKey], { onDecision: () => undefined });
  const router = new Router({ linger: 0 });
  useCurveServer(router, server.secretKey);
  await router.bind('tcp://127.0.0.1:*');
  const clients = Array.from({ length: MEMBERS }, () => {
    const client = new Dealer({ linger: 0 });
    useCurveClient(client, { ...member, serverKey: server.publicKey });
    client.connect(router.lastEndpoint as string);
    return client;
  });
  for (let t = 0; t < 1000 && zap.counters.allowed < MEMBERS; t++) await sleep(2);
  router.close();
  await zap.close();
  for (const client of clients) client.close();
  allowed += zap.counters.allowed;
}
console.log(JSON.stringify({ rounds, allowed }));
