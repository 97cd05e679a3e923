// Slack Bolt answering the signed slash command the benchmarks send, as opsbot's /slack/commands does, but
// keeping nothing: a counter in memory stands in for the ticket. bench/run_slack (slack_bench) and bench/run
// (wrk) measure it beside opsbot and the bare cpp-httplib ceiling, with the same client, in the same run.
//   node bench/bolt/app.js PORT        (OPSBOT_SLACK_SIGNING_SECRET: the secret the requests are signed with)
const { App, LogLevel } = require('@slack/bolt');

const port = Number(process.argv[2] || 18293);
const app = new App({
  signingSecret: process.env.OPSBOT_SLACK_SIGNING_SECRET,
  // A token with its bot's ids given, so that Bolt never calls auth.test: the bench has no network.
  token: 'xoxb-bench',
  botId: 'B0BENCH',
  botUserId: 'U0BENCH',
  tokenVerificationEnabled: false,
  endpoints: '/slack/commands',
  logLevel: process.env.BOLT_DEBUG ? LogLevel.DEBUG : LogLevel.ERROR,
  customRoutes: [{ path: '/healthz', method: ['GET'], handler: (req, res) => { res.writeHead(200); res.end('ok'); } }],
});

let next = 0;
app.command('/ops', async ({ command, ack }) => {
  next += 1;
  await ack({ response_type: 'in_channel', text: `T-${next} opened: ${command.text} (by <@${command.user_id}>)` });
});

(async () => {
  await app.start(port);
})();
