// One timed load: autocannon against one contender and one shape, in its own process so the load
// generator's CPU is not the runner's. Reads its options as JSON from argv[2], prints the result as JSON.
// Placeholders in the body are filled per request (writes need a fresh slug and UUIDs each time):
// __UNIQUE__, __UUID1__, __UUID2__, __PICK__ (one of options.picks, at random).
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';

const options = JSON.parse(process.argv[2]);
let counter = 0;
const fill = (template) => {
  const unique = `${process.pid}-${Date.now().toString(36)}-${(counter++).toString(36)}`;
  const uuid1 = randomUUID();
  const uuid2 = randomUUID();
  const pick = options.picks?.length ? options.picks[Math.floor(Math.random() * options.picks.length)] : '';
  return template.replaceAll('__UNIQUE__', unique).replaceAll('__UUID1__', uuid1).replaceAll('__UUID2__', uuid2).replaceAll('__PICK__', pick);
};
const templated = /__(UNIQUE|UUID1|UUID2|PICK)__/.test(options.body);
const result = await autocannon({
  url: options.url,
  method: 'POST',
  headers: options.headers,
  body: templated ? undefined : options.body,
  requests: templated ? [{ method: 'POST', setupRequest: (request) => ({ ...request, body: fill(options.body) }) }] : undefined,
  connections: options.connections,
  duration: options.duration,
  timeout: 20,
});
process.stdout.write(
  JSON.stringify({
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    mean: result.latency.average,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    durationS: result.duration,
  }),
);
