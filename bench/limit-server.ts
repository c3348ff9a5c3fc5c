// The baseline Parley is measured against: the same HTTP stack (Hono on
// @hono/node-server) doing the least a webhook handler can do, reading the form body
// and returning a fixed TwiML reply, with no signature check and no storage.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Thanks!</Message></Response>';

const app = new Hono();
app.post('/twilio/messages', async (c) => {
  const fields = new URLSearchParams(await c.req.text());
  if (!fields.has('MessageSid')) return c.body('<Response/>', 400, { 'Content-Type': 'text/xml' });
  return c.body(TWIML, 200, { 'Content-Type': 'text/xml; charset=utf-8' });
});

serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  console.log(JSON.stringify({ msg: 'limit server listening', port: info.port }));
});
